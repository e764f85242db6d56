"""model_to_dot gives Graphviz DOT text; plot_model writes PNG or SVG with or without Graphviz."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import pytest
from PIL import Image

import engine
from engine import layers
from engine.utils import model_to_dot, plot_model


def small_model():
    return engine.Sequential([layers.Input(shape=(28, 28)), layers.Flatten(name="flat"),
                              layers.Dense(32, activation="relu", name="hidden"),
                              layers.Dense(10, activation="softmax", name="out")], name="digits")


def test_dot_has_one_node_per_layer_and_edges_in_order():
    text = model_to_dot(small_model(), show_shapes=True)
    assert text.startswith('digraph "digits" {\n')
    assert text.rstrip().endswith("}")
    assert "rankdir=TB;" in text
    nodes = re.findall(r'^"(\w+)" \[label=', text, flags=re.M)
    assert nodes == ["flat", "hidden", "out"]
    edges = re.findall(r'^"(\w+)" -> "(\w+)"', text, flags=re.M)
    assert edges == [("flat", "hidden"), ("hidden", "out")]
    hidden = next(line for line in text.splitlines() if line.startswith('"hidden"'))
    assert "<b>hidden</b> (Dense)" in hidden
    assert "Input shape: <b>(None, 784)</b>" in hidden
    assert "Output shape: <b>(None, 32)</b>" in hidden


def test_dot_options():
    model = small_model()
    plain = model_to_dot(model)
    assert "shape:" not in plain  # Keras' default: show_shapes=False
    named = model_to_dot(model, show_layer_names=False, show_layer_activations=True, rankdir="LR",
                         show_trainable=True, show_dtype=True)
    assert "rankdir=LR;" in named
    assert "<b>Dense</b>" in named and "<b>hidden</b>" not in named
    assert "Activation: <b>relu</b>" in named
    assert "Output dtype: <b>float32</b>" in named
    assert named.count("<b>Trainable</b>") == 2  # the two Dense layers; Flatten has no weights
    with pytest.raises(ValueError, match="Unrecognized keyword"):
        model_to_dot(model, colour="red")


def test_unbuilt_model_cannot_be_drawn():
    with pytest.raises(ValueError, match="not yet been built"):
        model_to_dot(engine.Sequential([layers.Dense(3)]))


def test_plot_model_png_without_graphviz(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = tmp_path / "plots" / "model.png"
    assert plot_model(small_model(), to_file=str(path), show_shapes=True) == str(path)
    with Image.open(path) as image:
        assert image.format == "PNG"
        width, height = image.size
        assert height > width  # three boxes stacked top to bottom
        pixels = image.convert("L")
        assert pixels.getextrema() == (0, 255)  # black boxes and text on white


def test_plot_model_lr_is_wider_than_tall(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = tmp_path / "model.png"
    plot_model(small_model(), to_file=str(path), rankdir="LR")
    with Image.open(path) as image:
        assert image.size[0] > image.size[1]


def test_plot_model_svg_without_graphviz(tmp_path, monkeypatch):
    monkeypatch.setattr(shutil, "which", lambda name: None)
    path = tmp_path / "model.svg"
    plot_model(small_model(), to_file=str(path), show_shapes=True, show_layer_names=True)
    root = ET.parse(path).getroot()
    ns = {"svg": "http://www.w3.org/2000/svg"}
    texts = [t.text for t in root.iterfind(".//svg:text", ns)]
    assert texts[0] == "flat (Flatten)"
    assert "Output shape: (None, 32)" in texts
    assert len(root.findall(".//svg:g", ns)) == 3
    assert len(root.findall(".//svg:line", ns)) == 2


@pytest.mark.skipif(shutil.which("dot") is None, reason="Graphviz `dot` is not installed")
def test_plot_model_with_graphviz(tmp_path):
    path = tmp_path / "model.png"
    plot_model(small_model(), to_file=str(path), show_shapes=True)
    with Image.open(path) as image:
        assert image.format == "PNG"
