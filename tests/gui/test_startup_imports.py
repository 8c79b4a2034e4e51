"""Start-up: the window's Qt-free modules are imported before PySide6.

Once imported, PySide6 hooks every later import and reads the new module's
source; ``gdsim/gui/__init__.py`` imports numpy and gdsim.core first to skip
that. This fails when a core module the window needs at start-up is missing
from that list (it would then be imported after PySide6).
"""

import subprocess
import sys

CHILD = """
import os, sys
order = []

class Recorder:
    def find_spec(self, name, path=None, target=None):
        order.append(name)
        return None

sys.meta_path.insert(0, Recorder())
from gdsim.gui.app import application
from gdsim.gui.main_window import MainWindow

app = application()
window = MainWindow()
app.processEvents()
qt = order.index("PySide6")
late = [m for m in order[qt:] if m == "numpy" or m.startswith("gdsim.core")]
print("imported after PySide6:", late)
window.close()
sys.stdout.flush()
os._exit(1 if late or not qt else 0)
"""


def test_the_window_imports_numpy_and_core_before_pyside6():
    proc = subprocess.run([sys.executable, "-c", CHILD], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
