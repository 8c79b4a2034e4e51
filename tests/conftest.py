import os

# Widgets render offscreen so the suite runs without a display; tests that need
# an OpenGL context start their own Xvfb.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
