"""Guard for the PySide6 pin in pyproject.toml (PySide6-Essentials >=6.10,<6.12).

PySide6 6.12.0 returns `None` from Qt calls that return nothing without taking a reference to it,
so every such call lowers `None`'s reference count by one. A live pyqtgraph plot makes thousands of
those calls (setData, update, range changes); within a few hundred updates the count reaches zero
and the interpreter aborts with "Fatal Python error: none_dealloc".

The test drives a realistic live-plot loop and checks that `None`'s reference count does not fall.
Lift the pin only when this file passes on the new version.
"""

from __future__ import annotations

import gc
import sys
import tomllib
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest
from packaging.requirements import Requirement

pg = pytest.importorskip("pyqtgraph")

PYPROJECT = Path(__file__).resolve().parents[2] / "pyproject.toml"
UPDATES = 3000
# Each update below makes several void Qt calls (update, setToolTip, and inside setData and
# setXRange prepareGeometryChange, update, …), so the bug lowers None's count by several per update:
# well over UPDATES (3000) in all. Healthy runs do not lower it: objects that hold None (pyqtgraph
# caches, Qt wrappers, numpy views, frames) come and go, and on PySide6 6.11 the count rose by about
# 240 over this loop. Only a fall counts; 200 allows for objects freed between the two readings and
# is still more than ten times below what the bug does.
TOLERANCE = 200


def pyside_pin() -> Requirement:
    dependencies = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]
    return next(Requirement(d) for d in dependencies if Requirement(d).name == "PySide6-Essentials")


def installed_pyside() -> tuple[str, str]:
    for dist in ("PySide6-Essentials", "PySide6"):
        try:
            return dist, metadata.version(dist)
        except metadata.PackageNotFoundError:
            continue
    pytest.fail("PySide6 is not installed; Hornbook's GUI needs PySide6-Essentials.")


def test_installed_pyside6_is_within_the_pin():
    pin = pyside_pin()
    dist, version = installed_pyside()
    assert pin.specifier.contains(version, prereleases=True), (
        f"{dist} {version} is installed but pyproject.toml pins {pin}. PySide6 6.12.0 drops a "
        f"reference to None on every void Qt call and crashes live plots ('Fatal Python error: "
        f"none_dealloc'). Install a pinned version: pip install '{pin}'."
    )


@pytest.mark.skipif(sys.version_info >= (3, 12),
                    reason="None is immortal from Python 3.12 (PEP 683): its count cannot fall")
def test_live_plot_updates_keep_none_alive(qtbot):
    plot = pg.PlotWidget()
    qtbot.addWidget(plot)
    plot.resize(400, 300)
    plot.show()
    qtbot.waitExposed(plot)
    curve = plot.plot(pen="y")
    xs = np.arange(UPDATES + 300, dtype=np.float64)
    ys = np.sin(xs / 25.0)

    def update(i: int) -> None:
        # What a training plot does per batch: new data, follow the latest point, repaint.
        curve.setData(xs[:i + 1], ys[:i + 1])
        plot.setXRange(max(0, i - 200), i + 1, padding=0)
        plot.update()
        plot.setToolTip(f"batch {i}")
        if i % 50 == 0:
            qtbot.wait(0)  # processEvents: paint what changed, as the event loop would

    for i in range(300):  # warm-up: pyqtgraph builds its items and caches lazily
        update(i)
    gc.collect()
    before = sys.getrefcount(None)
    for i in range(300, UPDATES + 300):
        update(i)
    gc.collect()
    after = sys.getrefcount(None)

    assert before - after <= TOLERANCE, (
        f"None's reference count fell by {before - after} over {UPDATES} live-plot updates "
        f"({before} → {after}). This PySide6 build ({installed_pyside()[1]}) drops references "
        f"to None on void Qt calls; it will crash live plots. Keep the pin in pyproject.toml."
    )
