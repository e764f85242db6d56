"""Creates the QApplication and the main window on the bundled defaults."""

from __future__ import annotations

import sys
import warnings

from PySide6.QtWidgets import QApplication

from gui.resources import DEFAULT_MODEL


def load_pretrained():
    """The bundled digit model, so drawing predicts before anything is trained; None if unusable."""
    try:
        from engine.models import load_model
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return load_model(str(DEFAULT_MODEL)) if DEFAULT_MODEL.exists() else None
    except (ImportError, OSError, ValueError) as exc:
        print(f"hornbook: the bundled digit model could not be loaded: {exc}", file=sys.stderr)
        return None


def run(argv: list[str] | None = None) -> int:
    from gui import settings
    from gui.main_window import MainWindow

    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName("Hornbook")
    app.setOrganizationName("Hornbook")
    settings.enable()  # before the window: it restores its layout and recent files from them
    window = MainWindow(pretrained=load_pretrained())
    window.file_controller.ask_to_save = True
    window.show()
    window.file_controller.recovery.offer()
    return app.exec()
