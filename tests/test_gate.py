"""The CI regression gate's verdict on given timings (benchmarks/gate.py)."""

import importlib.util
from pathlib import Path

spec = importlib.util.spec_from_file_location("gate", Path(__file__).parents[1] / "benchmarks" / "gate.py")
gate = importlib.util.module_from_spec(spec)
spec.loader.exec_module(gate)


def test_gate_passes_within_threshold_and_fails_beyond(capsys):
    base = {"a": 1.0, "b": 2.0}
    assert gate.report({"base": base, "head": {"a": 1.2, "b": 1.0}}, "0" * 40, 1.25) == 0
    assert "ok" in capsys.readouterr().out
    assert gate.report({"base": base, "head": {"a": 1.3, "b": 2.0}}, "0" * 40, 1.25) == 1
    out = capsys.readouterr().out
    assert "SLOWER" in out and "FAIL: a" in out


def test_gate_reports_new_kernels_without_failing(capsys):
    assert gate.report({"base": {"a": 1.0}, "head": {"a": 1.0, "new": 5.0}}, "0" * 40, 1.25) == 0
    assert "new" in capsys.readouterr().out
