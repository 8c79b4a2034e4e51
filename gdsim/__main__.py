import sys

from .cli import main

# The guard matters: a child process started by multiprocessing (gdsim.core.remote)
# imports the main module again under another name.
if __name__ == "__main__":
    sys.exit(main())
