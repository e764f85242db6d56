"""Shared setup for GUI tests: run Qt headless unless a display is asked for."""

import os

# Must happen before anything imports Qt, which picks the platform plugin at startup.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
