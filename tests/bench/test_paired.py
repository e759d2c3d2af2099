"""The paired CPU benchmark still runs, and its figures are ratios with intervals around
them. The smoke measures db and cookie, which need no Redis."""

import json
import math
import os
import subprocess
import sys

import pytest

from bench import journey
from bench.paired import KINDS, bootstrap_ratio, kind_of
from tools.servers import BASE_DIR

SMOKE_ENGINES = ["db", "cookie"]


def test_identical_samples_give_a_ratio_of_one_with_no_width():
    shop = [2.0, 2.4, 1.9, 2.2, 2.1]
    assert bootstrap_ratio(shop, list(shop)) == (1.0, 1.0, 1.0)


def test_the_interval_surrounds_the_median_of_the_paired_ratios_and_repeats():
    shop = [1.0] * 8
    stock = [1.1, 1.3, 0.9, 1.2, 1.0, 1.25, 1.15, 1.05]
    ratio, low, high = bootstrap_ratio(shop, stock)
    assert ratio == pytest.approx(1.125)
    assert 0.9 <= low < ratio < high <= 1.3
    assert bootstrap_ratio(shop, stock) == (ratio, low, high)  # a fixed seed


def test_every_step_of_the_journey_has_one_kind():
    kinds = [kind_of(step) for step in journey.steps(1, "jam", "ann", "secret")]
    assert kinds == [
        "read", "first add", "read", "sign-in", "read", "write", "write", "sign-out"
    ]  # fmt: skip


def test_the_smoke_run_writes_a_ratio_and_interval_per_engine_and_step_kind(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SESSION_"))}
    finished = subprocess.run(
        [sys.executable, "-m", "bench.paired", "--smoke", "--out", str(tmp_path),
         "--engines", *SMOKE_ENGINES],
        cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert finished.returncode == 0, finished.stderr[-3000:]
    results = json.loads((tmp_path / "paired.json").read_text())
    machine = results["machine"]
    assert machine["cores"] >= 1 and len(machine["load_start"]) == len(machine["load_end"]) == 3
    assert machine["command"].startswith("uv run python -m bench.paired --smoke")
    assert list(results["engines"]) == SMOKE_ENGINES
    for engine, kinds in results["engines"].items():
        assert list(kinds) == list(KINDS), engine
        for kind, figures in kinds.items():
            bounds = [figures["ci_low"], figures["ratio"], figures["ci_high"]]
            assert all(math.isfinite(x) and x > 0 for x in bounds), (engine, kind, figures)
            assert bounds == sorted(bounds), (engine, kind, figures)
            assert figures["shop_ms"] > 0 and figures["stock_ms"] > 0
            assert figures["rounds"] == 2
    assert "| db | sign-in |" in finished.stdout
