"""Latency of every explorer: a slider step (value set + figure rendered to PNG) vs a naive re-plot.

Run: .venv/bin/python benchmarks/widget_latency.py [--steps N]

For each explorer, every slider is dragged across the middle of its range in small steps
(as a mouse drag or the arrow keys do); each step is timed from setting ``.value`` to the
new PNG frame being in the explorer's Image widget. The naive re-plot draws the same
values on a new figure each time (``Explorer.naive_png``: new figure, full draw, savefig).
Wall-clock medians are what a learner feels; CPU medians show how much of that is this
process's own work when the machine is shared. The load average is printed with them.
"""

from __future__ import annotations

import argparse
import os
import time
from typing import Any, Callable

import matplotlib

matplotlib.use("Agg")

import ipywidgets
import numpy as np

from lossviz import explorer as machinery
from lossviz import widgets

EXPLORERS: dict[str, Callable[[], machinery.Explorer]] = {
    "loss_explorer": widgets.loss_explorer,
    "activation_explorer": widgets.activation_explorer,
    "descent_explorer": widgets.descent_explorer,
    "outlier_explorer": widgets.outlier_explorer,
    "hinge_margin_explorer": widgets.hinge_margin_explorer,
    "focal_explorer": widgets.focal_explorer,
    "softmax_explorer": widgets.softmax_explorer,
    "box_explorer": widgets.box_explorer,
    "margin_explorer": widgets.margin_explorer,
    "finite_difference_explorer": widgets.finite_difference_explorer,
}


def drag(control: Any, steps: int) -> list[Any]:
    """Grid values a drag from 20% to 80% of the slider's range passes through (as a mouse drag or the arrow keys give)."""
    if isinstance(control, ipywidgets.SelectionSlider):
        grid = [value for _, value in control.options]
    else:
        low, high = machinery._range(control)
        grid = list(np.arange(low, high + control.step / 2, control.step))
    grid = grid[int(0.2 * len(grid)) : int(np.ceil(0.8 * len(grid)))]
    picks = np.unique(np.linspace(0, len(grid) - 1, min(steps, len(grid))).round().astype(int))
    values = [grid[index] for index in picks]
    if isinstance(control, ipywidgets.IntSlider):
        values = [int(value) for value in values]
    return [float(value) if isinstance(value, np.floating) else value for value in values]


def timed(action: Callable[[], Any]) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    return time.perf_counter() - wall, time.process_time() - cpu


def measure(make: Callable[[], machinery.Explorer], steps: int, naive_every: int) -> dict[str, float]:
    explorer = make()
    fast_wall, fast_cpu, naive_wall = [], [], []
    full_before = explorer._blitter.full_draws
    for name, control in list(explorer.controls.items()):
        if machinery._range(control) is None:
            continue  # choices (loss name, method...) are not slider steps
        values = drag(control, steps)
        for index, value in enumerate(values):
            wall, cpu = timed(lambda: setattr(control, "value", value))
            fast_wall.append(wall)
            fast_cpu.append(cpu)
            if index % naive_every == 0:
                naive_wall.append(timed(lambda: explorer.naive_png(**{name: value}))[0])
    fast = 1e3 * np.median(fast_wall)
    naive = 1e3 * np.median(naive_wall)
    return {
        "steps": len(fast_wall),
        "fast": fast,
        "p90": 1e3 * np.percentile(fast_wall, 90),
        "cpu": 1e3 * np.median(fast_cpu),
        "naive": naive,
        "ratio": naive / fast,
        "full": (explorer._blitter.full_draws - full_before) / len(fast_wall),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=25, help="values per slider drag (default 25)")
    parser.add_argument("--naive-every", type=int, default=5, help="time the naive re-plot at every Nth value (default 5)")
    arguments = parser.parse_args()
    print(f"pixel ratio {machinery.PIXEL_RATIO:g}: frames {machinery.DPI * 9.6 * machinery.PIXEL_RATIO:.0f} pixels wide")
    print(f"load average before: {' '.join(f'{v:.2f}' for v in os.getloadavg())} on {os.cpu_count()} CPUs")
    print(f"{'explorer':28s} {'steps':>5s} {'median ms':>9s} {'p90 ms':>7s} {'cpu ms':>7s} {'naive ms':>8s} {'speed-up':>8s} {'full redraws':>12s}")
    for label, make in EXPLORERS.items():
        row = measure(make, arguments.steps, arguments.naive_every)
        print(
            f"{label:28s} {row['steps']:5d} {row['fast']:9.1f} {row['p90']:7.1f} {row['cpu']:7.1f} "
            f"{row['naive']:8.1f} {row['ratio']:7.1f}x {row['full']:11.0%}"
        )
    print(f"load average after:  {' '.join(f'{v:.2f}' for v in os.getloadavg())}")


if __name__ == "__main__":
    main()
