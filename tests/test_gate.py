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


def _scripted(times):
    """A stand-in for one measurement subprocess: the next scripted timings of a side."""

    def measure(tree, cache, names):
        return {k: v for k, v in times[tree].pop(0).items() if k in names}

    return measure


def test_a_slow_round_is_cleared_by_the_confirmation_rounds_and_a_real_slowdown_is_not(monkeypatch, tmp_path):
    monkeypatch.setattr(gate, "KERNELS", {"a": None, "b": None})
    glitch = {"base": [{"a": 1.0, "b": 1.0}] + [{"a": 1.0, "b": 1.0}] * 3,
              "head": [{"a": 1.6, "b": 1.0}] + [{"a": 1.0, "b": 1.0}] * 3}  # fmt: skip
    monkeypatch.setattr(gate, "_measure_tree", _scripted(glitch))
    best = gate.compare({"base": "base", "head": "head"}, 1, 3, 1.15, tmp_path)
    assert best["head"]["a"] == 1.0 and gate.report(best, "0" * 40, 1.15) == 0
    slower = {"base": [{"a": 1.0, "b": 1.0}] * 4, "head": [{"a": 1.6, "b": 1.0}] * 4}
    monkeypatch.setattr(gate, "_measure_tree", _scripted(slower))
    best = gate.compare({"base": "base", "head": "head"}, 1, 3, 1.15, tmp_path)
    assert gate.report(best, "0" * 40, 1.15) == 1
