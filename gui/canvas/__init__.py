"""Drawing canvas and MNIST-style preprocessing for the predict panel."""

from gui.canvas.preprocess import drawing_to_mnist, is_blank

__all__ = ["DrawCanvas", "drawing_to_mnist", "is_blank"]


def __getattr__(name: str) -> object:
    # Imported lazily so `gui.canvas.preprocess` stays usable without loading Qt.
    if name == "DrawCanvas":
        from gui.canvas.draw_canvas import DrawCanvas

        return DrawCanvas
    raise AttributeError(name)
