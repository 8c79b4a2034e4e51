"""torch for the tests that compare gdsim with it: ``torch`` is None, and ``needs_torch`` tests are
skipped, where the optional test extra is not installed (the stored references still run)."""

import pytest

try:
    import torch
except ImportError:  # pragma: no cover - torch is installed on this machine and in CI
    torch = None

HAVE_TORCH = torch is not None
needs_torch = pytest.mark.skipif(not HAVE_TORCH, reason="torch is not installed")
