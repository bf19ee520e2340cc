"""The scorecard page: written from the store only, self-contained, and loaded in a real headless Chromium
(installed by scripts/install-chromium.sh; .ci/run calls it before the slow tests)."""

import json
import shutil
import subprocess
from html.parser import HTMLParser

import numpy as np
import pytest
from test_experiment import TINY_SUITE

from benchsuite.cli import main
from benchsuite.experiment import Store
from benchsuite.experiment.scoring import plan_score, score
from benchsuite.experiment.tuning import Tunable
from benchsuite.report.scorecard_page import FIGURES, write_scorecard

BROWSERS = ("chromium", "chromium-browser", "google-chrome")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-extensions",
         "--no-first-run", "--disable-dev-shm-usage", "--hide-scrollbars"]  # fmt: skip


class _Resources(HTMLParser):
    """Every src / href of a page, and its tag counts."""

    def __init__(self):
        super().__init__()
        self.links, self.tags = [], {}

    def handle_starttag(self, tag, attrs):
        self.tags[tag] = self.tags.get(tag, 0) + 1
        self.links += [v for k, v in attrs if k in ("src", "href") and v]


def _page(tmp_path):
    plan = plan_score(TINY_SUITE, Tunable.parse("sgd-like:s=0.8"), 4, [10, 100])
    with Store(tmp_path / "s.sqlite") as store:
        result = score(plan, store, workers=1, progress=False)
        files = write_scorecard(result, store, tmp_path / "report", "benchsuite score sgd-like:s=0.8")
    return result, files


def test_page_and_summary_hold_the_tables_figures_and_nothing_external(tmp_path):
    result, files = _page(tmp_path)
    page = files["html"].read_text()
    parser = _Resources()
    parser.feed(page)
    assert parser.links == []  # nothing fetched: no src, no href
    assert result.tempering and result.sampling  # the tiny suite has both: scorecard, suite, tuning, sampling, PT
    assert parser.tags["table"] == 5 and parser.tags["svg"] == len(FIGURES) == parser.tags["figcaption"]
    assert page.count("Reproduce: ") == 1 + len(FIGURES)
    for row in result.scorecard:
        assert row["algorithm"] in page and (row["baseline"] or "") in page
    assert "swap acceptance per pair" in page and "rounds per round trip" in page and "TV at T_eff" in page
    md = files["markdown"].read_text()
    assert all(f"fig-{name}.png" in md and files[name].stat().st_size > 0 for name in FIGURES)
    assert json.loads(files["json"].read_text())["scorecard"] == json.loads(json.dumps(result.scorecard))


@pytest.mark.slow  # a score run, then the scorecard command on its store (about 15 s)
def test_scorecard_command_rereads_the_store_and_computes_nothing(tmp_path, capsys):
    store = str(tmp_path / "s.sqlite")
    argv = ["--budget", "10", "--seeds", "2", "--store", store]
    assert main(["scorecard", "metropolis:T=0.5", *argv, "--report", str(tmp_path / "r")]) == 2  # no store yet
    assert "does not exist" in capsys.readouterr().err
    assert main(["score", "metropolis:T=0.5", *argv, "--workers", "1", "--json"]) == 0
    first = json.loads(capsys.readouterr().out)
    assert main(["scorecard", "metropolis:T=0.5", *argv, "--report", str(tmp_path / "r"), "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["computed"] == 0 and again["scorecard"] == first["scorecard"]
    assert (tmp_path / "r" / "index.html").exists()
    assert main(["scorecard", "metropolis:T=0.5", "--budget", "10", "--seeds", "3", "--store", store]) == 2
    assert "not in" in capsys.readouterr().err  # a plan the store does not hold is refused, not computed


def _browser() -> str:
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    pytest.fail("no Chromium on PATH: run scripts/install-chromium.sh (.ci/run does)")


def _load(path) -> tuple[str, list[str]]:
    """The DOM Chromium built from ``path`` and the console messages it logged."""
    proc = subprocess.run([_browser(), *FLAGS, "--enable-logging=stderr", "--v=0", "--dump-dom", path.as_uri()],
                          capture_output=True, text=True, timeout=120, check=True)  # fmt: skip
    return proc.stdout, [line for line in proc.stderr.splitlines() if ":CONSOLE" in line]


@pytest.mark.slow
def test_page_loads_in_chromium_without_console_messages_and_renders(tmp_path):
    _, files = _page(tmp_path)
    dom, console = _load(files["html"])
    assert console == []
    parser = _Resources()
    parser.feed(dom)
    assert parser.tags["table"] == 5 and parser.tags["svg"] == len(FIGURES)
    broken = tmp_path / "broken.html"  # the console check sees a script error
    broken.write_text("<!DOCTYPE html><html><body><script>undefined_function()</script></body></html>")
    assert any("undefined_function" in line for line in _load(broken)[1])
    shot = tmp_path / "shot.png"
    subprocess.run([_browser(), *FLAGS, "--window-size=1280,2400", f"--screenshot={shot}", files["html"].as_uri()],
                   capture_output=True, timeout=120, check=True)  # fmt: skip
    import matplotlib.image

    pixels = matplotlib.image.imread(shot)
    assert pixels.shape[1] == 1280 and float(np.std(pixels[..., :3])) > 0.05  # not a blank page
