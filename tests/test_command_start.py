"""The command line starts light: ``--help`` loads no heavy library (issue 16: under 0.5 s)."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from tests.conftest import ROOT

HEAVY = ("pandas", "pyarrow", "numpy", "duckdb", "jinja2", "pydantic", "sklearn", "scipy")


def _imported(*args: str) -> set[str]:
    """The top-level packages `python -X importtime -m analytics ARGS` imports."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "analytics", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "usage: python -m analytics" in done.stdout
    names = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)$", done.stderr, flags=re.MULTILINE)
    assert "analytics.commands.common" in names  # the measure works: it saw the command line load
    return {name.split(".")[0] for name in names}


@pytest.mark.parametrize("args", [("--help",), ("warnings", "--help"), ("import", "--help")])
def test_help_imports_no_heavy_library(args):
    assert _imported(*args).isdisjoint(HEAVY), sorted(_imported(*args) & set(HEAVY))
