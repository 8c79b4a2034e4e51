import os
import tempfile

# Widgets render offscreen so the suite runs without a display; tests that need
# an OpenGL context start their own Xvfb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Settings (layout, presentation mode, zoom, recent files, the first-launch hint) go to a
# fresh folder, never the user's: a test that turns presentation mode on must not leave it
# on for the next run, nor read what a user or another run saved.
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="gdsim-test-config-")
