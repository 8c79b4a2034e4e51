import os
import sys

# One BLAS thread, set before numpy is imported (see the package's docstring).
for _name in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_name, "1")

from .runner import main  # noqa: E402 (after the environment)

sys.exit(main())
