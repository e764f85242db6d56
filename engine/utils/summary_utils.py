"""`model.summary()`: a table of layers, output shapes and parameter counts."""

from __future__ import annotations


def _shape_text(shape) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + \
        ("," if len(shape) == 1 else "") + ")"


def summary_rows(model) -> list[tuple[str, str, int]]:
    """(name and type, output shape, parameter count) per layer."""
    rows, shape = [], model.input_shape
    for layer in model.layers:
        shape = layer.compute_output_shape(shape)
        rows.append((f"{layer.name} ({type(layer).__name__})", _shape_text(shape),
                     layer.count_params()))
    return rows


def print_summary(model, line_length=None, print_fn=None) -> None:
    print_fn = print_fn or print
    rows = summary_rows(model) if model.built or model._input_layer else []
    width = line_length or 65
    cols = (int(width * 0.45), int(width * 0.33))
    rule = "─" * width
    print_fn(f'Model: "{model.name}"')
    print_fn(rule)
    print_fn(f"{'Layer (type)':<{cols[0]}}{'Output Shape':<{cols[1]}}{'Param #':>{width - sum(cols)}}")
    print_fn("═" * width)
    for name, shape, params in rows:
        print_fn(f"{name:<{cols[0]}}{shape:<{cols[1]}}{params:>{width - sum(cols)},}")
    print_fn(rule)
    trainable = sum(v.value.size for v in model.trainable_weights)
    total = model.count_params()
    print_fn(f" Total params: {total:,}")
    print_fn(f" Trainable params: {trainable:,}")
    print_fn(f" Non-trainable params: {total - trainable:,}")
