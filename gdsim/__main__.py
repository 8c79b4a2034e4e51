from .cli import entry

# The guard matters: a child process started by multiprocessing (gdsim.core.remote)
# may import the main module again under another name.
if __name__ == "__main__":
    entry()
