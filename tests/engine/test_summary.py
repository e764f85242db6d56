"""model.summary() prints Keras 3's table: box rules, columns, wrapped cells, counts and sizes.

The column widths follow Keras: the columns end at 45 %, 80 % and 100 % of line_length; rich then
adds one space of padding on each side of each cell and the 4 vertical rules, and takes those 10
characters back in shares of 3, 4 and 3. For line_length=88: int(.45·88)=39, int(.8·88)−39=31,
88−70=18 → text widths 39−3=36, 31−4=27, 18−3=15, and 1+38+1+29+1+17+1 = 88 characters a line.
"""

from __future__ import annotations

import numpy as np
import pytest

import engine
from engine import layers
from engine.utils.summary_utils import readable_memory_size, summary_text


def mnist_mlp(name="mlp"):
    return engine.Sequential([layers.Input(shape=(28, 28)), layers.Flatten(name="flatten"),
                              layers.Dense(64, activation="relu", name="dense"),
                              layers.Dropout(0.2, name="dropout"),
                              layers.Dense(10, activation="softmax", name="dense_1")], name=name)


def row(name, shape, params, widths=(36, 27, 15)):
    return f"│ {name:<{widths[0]}} │ {shape:<{widths[1]}} │ {params:>{widths[2]}} │"


def rule(left, line, cross, right, widths=(36, 27, 15)):
    return left + cross.join(line * (w + 2) for w in widths) + right


def capture(model, **kwargs) -> list[str]:
    got = []
    model.summary(print_fn=got.append, **kwargs)
    assert len(got) == 1, "Keras 3 hands print_fn the whole summary at once"
    assert got[0].endswith("\n")
    return got[0].rstrip("\n").split("\n")


def test_table_layout_and_counts():
    model = mnist_mlp()
    dense = 28 * 28 * 64 + 64
    dense_1 = 64 * 10 + 10
    total = dense + dense_1
    lines = capture(model, line_length=88)
    assert lines == [
        'Model: "mlp"',
        rule("┏", "━", "┳", "┓"),
        "┃ " + "Layer (type)".ljust(36) + " ┃ " + "Output Shape".ljust(27) + " ┃ "
        + "Param #".rjust(15) + " ┃",
        rule("┡", "━", "╇", "┩"),
        row("flatten (Flatten)", "(None, 784)", "0"),
        rule("├", "─", "┼", "┤"),
        row("dense (Dense)", "(None, 64)", f"{dense:,}"),
        rule("├", "─", "┼", "┤"),
        row("dropout (Dropout)", "(None, 64)", "0"),
        rule("├", "─", "┼", "┤"),
        row("dense_1 (Dense)", "(None, 10)", f"{dense_1:,}"),
        rule("└", "─", "┴", "┘"),
        f" Total params: {total:,} ({total * 4 / 1024:.2f} KB)",
        f" Trainable params: {total:,} ({total * 4 / 1024:.2f} KB)",
        " Non-trainable params: 0 (0.00 B)",
    ]
    assert all(len(line) == 88 for line in lines[1:12])
    assert lines[-3] == " Total params: 50,890 (198.79 KB)"  # the figure Keras prints for this model


def test_non_trainable_layers_are_counted_apart():
    model = mnist_mlp()
    model.get_layer("dense").trainable = False
    lines = capture(model, line_length=88)
    frozen, kept = 784 * 64 + 64, 64 * 10 + 10
    assert lines[-2] == f" Trainable params: {kept:,} ({readable_memory_size(kept * 4)})"
    assert lines[-1] == f" Non-trainable params: {frozen:,} ({readable_memory_size(frozen * 4)})"


@pytest.mark.parametrize(("optimizer", "state_per_weight"), [("sgd", 0), ("adam", 2)])
def test_optimizer_params_appear_once_the_optimizer_has_state(optimizer, state_per_weight):
    model = engine.Sequential([layers.Input(shape=(4,)), layers.Dense(3, activation="softmax")])
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    assert not any("Optimizer" in line for line in capture(model, line_length=88))
    model.fit(np.ones((8, 4), np.float32), np.zeros(8, int), epochs=1, verbose=0)
    lines = capture(model, line_length=88)
    weights = 4 * 3 + 3
    # Keras counts each state vector plus the step count and the learning rate.
    opt = state_per_weight * weights + 2
    assert lines[-1] == f" Optimizer params: {opt:,} ({readable_memory_size(opt * 4)})"
    assert lines[-4] == f" Total params: {weights + opt:,} ({readable_memory_size((weights + opt) * 4)})"


def test_readable_memory_size_uses_powers_of_1024():
    assert readable_memory_size(0) == "0.00 B"
    assert readable_memory_size(72) == "72.00 B"
    assert readable_memory_size(2048) == "2.00 KB"
    assert readable_memory_size(3_000_003 * 4) == "11.44 MB"


def test_narrow_table_wraps_words_and_bottom_aligns_the_header():
    model = mnist_mlp()
    lines = capture(model, line_length=40)
    # 40: int(18)=18, int(32)−18=14, 8 → text widths 15, 10, 5.
    widths = (15, 10, 5)
    assert lines[1] == rule("┏", "━", "┳", "┓", widths)
    assert lines[2] == "┃ " + " " * 15 + " ┃ " + "Output".ljust(10) + " ┃ " + "Param".rjust(5) + " ┃"
    assert lines[3] == ("┃ " + "Layer (type)".ljust(15) + " ┃ " + "Shape".ljust(10) + " ┃ " + "#".rjust(5)
                        + " ┃")
    assert lines[5] == row("flatten", "(None,", "0", widths)
    assert lines[6] == row("(Flatten)", "784)", "", widths)
    assert row("dense (Dense)", "(None, 64)", "50,2…", widths) in lines  # too long for 5: cut


def test_long_names_are_cut_with_an_ellipsis():
    model = engine.Sequential([layers.Input(shape=(5,)),
                               layers.Dense(3, name="a_very_long_layer_name_that_goes_on_and_on")])
    lines = capture(model, line_length=60)
    # 60: int(27)=27, int(48)−27=21, 12 → text widths 24, 17, 9.
    assert lines[4] == row("a_very_long_layer_name_…", "(None, 3)", "18", (24, 17, 9))
    assert lines[5] == row("(Dense)", "", "", (24, 17, 9))


def test_unbuilt_model_shows_question_marks():
    model = engine.Sequential([layers.Dense(3, name="d")], name="unbuilt")
    lines = capture(model, line_length=88)
    assert lines[4] == row("d (Dense)", "?", "0 (unbuilt)")
    assert lines[-3] == " Total params: 0 (0.00 B)"


def test_empty_model_has_header_and_bottom_rule_only():
    lines = capture(engine.Sequential(name="empty"), line_length=88)
    assert lines[1:5] == [rule("┏", "━", "┳", "┓"), lines[2], rule("┡", "━", "╇", "┩"),
                          rule("└", "─", "┴", "┘")]


def test_show_trainable_adds_a_centred_column():
    model = mnist_mlp()
    model.get_layer("dense").trainable = False
    lines = capture(model, line_length=100, show_trainable=True)
    # Positions scaled by 0.9 plus 1.0: widths 40, 32, 18, 10; with padding and 5 rules 13
    # characters are taken back in shares of 3, 3, 4, 3 → text widths 37, 29, 14, 7.
    assert lines[2].endswith(" ┃ " + "Traina…" + " ┃")
    flat = "│ " + " │ ".join(["flatten (Flatten)".ljust(37), "(None, 784)".ljust(29), "0".rjust(14),
                              "-".center(7)]) + " │"
    dense = "│ " + " │ ".join(["dense (Dense)".ljust(37), "(None, 64)".ljust(29),
                               f"{784 * 64 + 64:,}".rjust(14), "N".center(7)]) + " │"
    assert flat in lines and dense in lines
    assert all(len(line) == 100 for line in lines[1:12])


def test_layer_range_limits_the_rows():
    lines = capture(mnist_mlp(), line_length=88, layer_range=["dense", "dropout"])
    names = [line.split("│")[1].strip() for line in lines if line.startswith("│ ")]
    assert names == ["dense (Dense)", "dropout (Dropout)"]
    with pytest.raises(ValueError, match="do not match"):
        mnist_mlp().summary(layer_range=["nothing", "dense"], print_fn=lambda s: None)


def test_default_width_follows_the_terminal(monkeypatch):
    monkeypatch.setenv("COLUMNS", "70")
    assert {len(line) for line in summary_text(mnist_mlp()).split("\n")[1:12]} == {66}
    monkeypatch.setenv("COLUMNS", "200")
    assert {len(line) for line in summary_text(mnist_mlp()).split("\n")[1:12]} == {88}


def test_summary_prints_to_stdout(capsys):
    mnist_mlp(name="printed").summary(line_length=88)
    out = capsys.readouterr().out
    assert out.startswith('Model: "printed"\n┏')
    assert out.endswith("Non-trainable params: 0 (0.00 B)\n")
