"""Where the app's bundled files live (the repository's assets/ folder; the app installs editable)."""

from __future__ import annotations

from pathlib import Path

ASSETS = Path(__file__).resolve().parent.parent / "assets"
DEFAULT_MODEL = ASSETS / "models" / "digit_cnn.h5"
