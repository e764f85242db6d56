"""`model_to_dot` and `plot_model`: a model's layer graph as Graphviz DOT text or as a picture.

`model_to_dot` returns DOT text (Keras returns a pydot object; the text is what it holds): one node
per layer, labelled like Keras 3's (an HTML-like table: name and type, then shapes, dtype,
activation and trainability on request), and an edge from each layer to the next.
`plot_model` renders it with Graphviz' `dot` when that is installed; otherwise it draws the same
boxes and arrows itself, with Pillow for bitmap formats or as hand-written SVG.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess

from engine.utils.summary_utils import format_shape


def _check_built(model) -> None:
    if not model.built and getattr(model, "_input_layer", None) is None:
        raise ValueError("This model has not yet been built. Build the model first by calling "
                         "`build()` or by calling the model on a batch of data.")


def layer_descriptions(model, show_shapes=False, show_dtype=False, show_layer_names=True,
                       show_layer_activations=False, show_trainable=False) -> list[dict]:
    """Per layer: 'id', 'title' ('dense (Dense)'), and 'details', a list of (label, value)."""
    _check_built(model)
    shape = model.input_shape
    nodes = []
    for layer in model.layers:
        out = layer.compute_output_shape(shape)
        class_name = type(layer).__name__
        details = []
        activation = getattr(layer, "activation", None)
        if show_layer_activations and activation is not None:
            details.append(("Activation", getattr(activation, "name", None) or str(activation)))
        if show_shapes:
            details += [("Input shape", format_shape(shape)), ("Output shape", format_shape(out))]
        if show_dtype:
            details.append(("Output dtype", getattr(layer, "dtype", "float32")))
        if show_trainable and layer.weights:
            details.append(("Trainable" if layer.trainable else "Non-trainable", ""))
        nodes.append({"id": layer.name, "name": layer.name, "class_name": class_name,
                      "title": f"{layer.name} ({class_name})" if show_layer_names else class_name,
                      "details": details})
        shape = out
    return nodes


def _label(node: dict, show_layer_names: bool) -> str:
    """Keras 3's HTML-like label: a black title row, then white cells for the details."""
    name, cls = html.escape(node["name"]), html.escape(node["class_name"])
    title = f"<b>{name}</b> ({cls})" if show_layer_names else f"<b>{cls}</b>"
    shapes = [d for d in node["details"] if d[0] in ("Input shape", "Output shape", "Output dtype")]
    colspan = max(1, len(shapes) + sum(d[0].endswith("rainable") for d in node["details"]))
    rows = [f'<tr><td colspan="{colspan}" bgcolor="black"><font point-size="16" color="white">'
            f"{title}</font></td></tr>"]
    cells = []
    for label, value in node["details"]:
        if label == "Activation":
            rows.append(f'<tr><td bgcolor="white" colspan="{colspan}"><font point-size="14">'
                        f"Activation: <b>{html.escape(value)}</b></font></td></tr>")
        elif label.endswith("rainable"):
            color = "forestgreen" if label == "Trainable" else "firebrick"
            cells.append(f'<td bgcolor="{color}"><font point-size="14" color="white"><b>{label}</b>'
                         "</font></td>")
        else:
            cells.append(f'<td bgcolor="white"><font point-size="14">{label}: '
                         f"<b>{html.escape(value)}</b></font></td>")
    if cells:
        rows.append(f"<tr>{''.join(cells)}</tr>")
    return ('<<table border="0" cellborder="1" bgcolor="black" cellpadding="10">'
            + "".join(rows) + "</table>>")


def model_to_dot(model, show_shapes=False, show_dtype=False, show_layer_names=True, rankdir="TB",
                 expand_nested=False, dpi=200, subgraph=False, show_layer_activations=False,
                 show_trainable=False, splines="ortho", **kwargs) -> str:
    """The model as Graphviz DOT text; `dot -Tpng` turns it into Keras' plot."""
    if kwargs.pop("layer_range", None) is not None:
        raise ValueError("Argument `layer_range` is no longer supported.")
    if kwargs:
        raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
    nodes = layer_descriptions(model, show_shapes, show_dtype, show_layer_names,
                               show_layer_activations, show_trainable)
    quoted = [f'"{n["id"]}"' for n in nodes]
    if subgraph:
        lines = [f'subgraph "cluster_{model.name}" {{', "style=dashed;",
                 f'label="{model.name}";', "labeljust=l;"]
    else:
        lines = [f'digraph "{model.name}" {{', f"rankdir={rankdir};", "concentrate=true;",
                 f"dpi={dpi};", f"splines={splines};", "node [shape=record];"]
    for node, key in zip(nodes, quoted, strict=True):
        lines.append(f'{key} [label={_label(node, show_layer_names)}, fontname=Helvetica, border=0, '
                     "margin=0];")
    lines += [f"{a} -> {b} [penwidth=2];" for a, b in zip(quoted, quoted[1:], strict=False)]
    lines.append("}")
    return "\n".join(lines) + "\n"


def plot_model(model, to_file="model.png", show_shapes=False, show_dtype=False,
               show_layer_names=False, rankdir="TB", expand_nested=False, dpi=200,
               show_layer_activations=False, show_trainable=False, splines="ortho", **kwargs) -> str:
    """Write a picture of the model to `to_file` (png, svg, jpg, pdf, … from its extension).

    Uses Graphviz' `dot` when it is on PATH, otherwise draws the boxes itself. Returns the path.
    """
    options = {"show_shapes": show_shapes, "show_dtype": show_dtype,
               "show_layer_names": show_layer_names, "show_layer_activations": show_layer_activations,
               "show_trainable": show_trainable}
    text = model_to_dot(model, rankdir=rankdir, dpi=dpi, splines=splines, **options, **kwargs)
    to_file = os.fspath(to_file)
    extension = os.path.splitext(to_file)[1][1:].lower() or "png"
    folder = os.path.dirname(to_file)
    if folder:
        os.makedirs(folder, exist_ok=True)
    dot = shutil.which("dot")
    if dot is not None:
        subprocess.run([dot, f"-T{extension}", "-o", to_file], input=text.encode(), check=True,
                       capture_output=True)
        return to_file
    from engine.utils import model_drawing  # only without Graphviz: Pillow or hand-made SVG

    nodes = layer_descriptions(model, **options)
    if extension == "svg":
        model_drawing.write_svg(nodes, to_file, rankdir)
    else:
        model_drawing.write_image(nodes, to_file, rankdir, dpi)
    return to_file
