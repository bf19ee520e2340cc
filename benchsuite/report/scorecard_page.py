"""The scorecard page: a self-contained static HTML file and a Markdown summary, written from a store only.

``write_scorecard(result, store, out_dir, command)`` writes ``index.html`` (figures inline as SVG, styles
inline, no script, nothing fetched), ``scorecard.md`` with the same tables and the figures as PNG files beside
it, and ``score.json`` (the scoring result, strict JSON).  Every figure has a caption saying what it shows
and the command that reproduces it.  Figures, per instance, for every scored point (the algorithm, each
baseline's tuned point and its oracle when different): success probability against the budget with its
Jeffreys band; TTS99 against the budget with its interval; the residual energy per variable of the best
configuration found within the budget, with a 95% bootstrap band over runs; and, over all (instance, run)
pairs, the empirical distribution of the sweep at which the reference was first reached (COCO's ECDF).
"""

from __future__ import annotations

import html
import io
import json
import math
from collections import defaultdict
from pathlib import Path

import numpy as np

from .. import __version__
from ..experiment.algorithm import Outcome
from ..experiment.instances import build_instance
from ..experiment.scoring import Score
from ..experiment.store import Store
from ..score.metrics import LEVEL, ecdf, hierarchical_bootstrap, jeffreys_interval, time_to_solution

FIGURES = ("success", "tts", "residual", "ecdf")
CAPTIONS = {
    "success": "Success probability (the reference energy reached within the budget) against the budget in "
    "sweeps, per instance; bands: 95% Jeffreys intervals. In every figure the colour is the algorithm, solid "
    "lines its scored point (tuned on training twins for baselines), dashed lines the oracle point.",
    "tts": "Time to solution at 99% (TTS99, sweeps) against the budget it is computed at, per instance; "
    "bands: from the Jeffreys interval of the success probability; budgets without a success are not drawn "
    "(censored).",
    "residual": "Residual energy per variable, (best energy within the budget - reference) / n, against the "
    "budget, per instance; bands: 95% bootstrap intervals over runs.",
    "ecdf": "Fraction of (instance, run) pairs that reached the reference within t sweeps (the empirical "
    "distribution of the first hit, pooled over the instances each algorithm ran on, at the largest budget; "
    "scored points only).",
}


def _runs(result: Score) -> dict[tuple[str, str], list[Outcome]]:
    """Outcomes of every scored point, by (instance label, algorithm spec)."""
    keep = {(label, c.recommended) for (label, _), c in result.choices.items()}
    keep |= {(label, c.oracle) for (label, _), c in result.choices.items()}
    out: dict[tuple[str, str], list[Outcome]] = defaultdict(list)
    for entry, _, _, scored in result.plan.entries:
        for cell in scored:
            if (entry.label, cell.algorithm) in keep:
                out[(entry.label, cell.algorithm)].append(Outcome.from_dict(result.outcomes.get(cell.key)))
    return out


def _rows(result: Score) -> list[tuple[str, str, str, str]]:
    """(instance label, spec, role, tunable label) of every scored point, the algorithm first on each instance."""
    rows = []
    for (label, tunable), choice in result.choices.items():
        mine = tunable == result.plan.algorithm.label
        untuned = (
            "oracle" if len(choice.tunable.points()) > 1 else "fixed"
        )  # a grid with no twins: chosen on the instance
        role = "yours" if mine else "at T_eff" if choice.tunable.role else "tuned" if choice.training else untuned
        rows.append((label, choice.recommended, role, tunable))
        if choice.oracle != choice.recommended:
            rows.append((label, choice.oracle, "oracle", tunable))
    return rows


def _series(outcomes: list[Outcome], n: int, reference: float) -> dict[str, list]:
    by_budget: dict[int, list[Outcome]] = defaultdict(list)
    for o in outcomes:
        by_budget[o.budget].append(o)
    budgets = sorted(by_budget)
    out: dict[str, list] = {"budget": budgets, "p": [], "p_low": [], "p_high": [], "tts": [], "tts_low": [],
                            "tts_high": [], "res": [], "res_low": [], "res_high": []}  # fmt: skip
    for b in budgets:
        group = by_budget[b]
        k = sum(o.hit_sweep is not None for o in group)
        p = jeffreys_interval(k, len(group))
        out["p"].append(p.value), out["p_low"].append(p.low), out["p_high"].append(p.high)
        t = time_to_solution(b, k, len(group))
        out["tts"].append(t.value), out["tts_low"].append(t.low), out["tts_high"].append(t.high)
        residual = np.array([(o.best_energy - reference) / n for o in group])
        iv = hierarchical_bootstrap([residual], lambda g: float(g[0].mean()), level=LEVEL)
        out["res"].append(iv.value), out["res_low"].append(iv.low), out["res_high"].append(iv.high)
    out["hits"] = [o.hit_sweep for o in by_budget[budgets[-1]]]
    return out


def _figures(result: Score, runs, rows) -> dict[str, object]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.hashsalt": "benchsuite", "font.size": 8})
    instances = [e.label for e in result.plan.suite.instances if any(r[0] == e.label for r in rows)]
    refs = {e.label: (e.reference().value, build_instance(e.spec).n) for e in result.plan.suite.instances}
    tunables = list(dict.fromkeys(t for *_, t in rows))
    colours = {t: plt.cm.tab10(i % 10) for i, t in enumerate(tunables)}
    series = {key: _series(outcomes, refs[key[0]][1], refs[key[0]][0]) for key, outcomes in runs.items()}
    figures = {}
    for name, (value, low, high, ylabel, logy) in {
        "success": ("p", "p_low", "p_high", "success probability", False),
        "tts": ("tts", "tts_low", "tts_high", "TTS99 (sweeps)", True),
        "residual": ("res", "res_low", "res_high", "residual energy per variable", False),
    }.items():
        fig, axes = plt.subplots(1, len(instances), figsize=(3.2 * len(instances), 2.8), squeeze=False)
        for ax, label in zip(axes[0], instances):
            for inst, spec, role, tunable in rows:
                if inst != label or (label, spec) not in series:
                    continue
                s = series[(label, spec)]
                x = np.array(s["budget"], dtype=float)
                y = np.array([np.nan if v is None else v for v in s[value]], dtype=float)
                lo = np.array([np.nan if v is None else v for v in s[low]], dtype=float)
                hi = np.array([np.nan if v is None or math.isinf(v) else v for v in s[high]], dtype=float)
                ax.plot(x, y, marker="o", ms=3, color=colours[tunable], ls="--" if role == "oracle" else "-",
                        label="_" if role == "oracle" else tunable)  # fmt: skip
                ax.fill_between(x, lo, hi, color=colours[tunable], alpha=0.12, lw=0)
            ax.set_xscale("log")
            ax.set_xlim(result.plan.budgets[0] / 1.5, result.plan.budgets[-1] * 1.5)  # one budget is a range too
            drawn = [v for line in ax.get_lines() for v in line.get_ydata() if np.isfinite(v) and v > 0]
            if logy and drawn:
                ax.set_yscale("log")
                ax.set_ylim(min(drawn) / 2, max(drawn) * 2)
            elif logy:
                ax.text(0.5, 0.5, "censored at every budget", transform=ax.transAxes, ha="center", va="center")
            ax.set_title(label)
            ax.set_xlabel("budget (sweeps)")
        axes[0][0].set_ylabel(ylabel)
        legend = {}
        for ax in axes[0]:
            legend.update(zip(*reversed(ax.get_legend_handles_labels())))
        fig.tight_layout(rect=(0, 0.06 * math.ceil(len(legend) / 3), 1, 1))
        fig.legend(legend.values(), legend.keys(), loc="lower center", ncol=3, fontsize=7, frameon=False)
        figures[name] = fig
    fig, ax = plt.subplots(figsize=(5.5, 3.2))
    largest = result.plan.budgets[-1]
    ts = np.unique(np.geomspace(1, largest, 60).round())
    for tunable in tunables:
        scored = {(label, spec) for label, spec, role, t in rows if t == tunable and role != "oracle"}
        pairs = [h for key in scored if key in series for h in series[key]["hits"]]
        if pairs:
            hit = np.array([math.inf if h is None else h for h in pairs], dtype=float)
            ax.step(ts, ecdf(hit, ts), where="post", color=colours[tunable], label=tunable)
    ax.set_xscale("log")
    ax.set_xlim(1, largest * 1.5)
    ax.set_ylim(0, 1.02)
    ax.set_xlabel("sweeps t")
    ax.set_ylabel("fraction of (instance, run) pairs solved")
    ax.legend(fontsize=7)
    fig.tight_layout()
    figures["ecdf"] = fig
    return figures


def _svg(fig) -> str:
    buf = io.StringIO()
    fig.savefig(buf, format="svg", metadata={"Date": None}, bbox_inches="tight")
    text = buf.getvalue()
    return text[text.index("<svg") :]


def _fmt(v, digits: int = 4) -> str:
    return "-" if v is None else f"{v:.{digits}g}"


def _table(result: Score, rows) -> tuple[list[str], list[list[str]]]:
    index = {(m.instance, m.algorithm, m.metric): m for m in result.results}
    top = f"success@{result.plan.budgets[-1]}"
    recovery = f"recovery@{result.plan.budgets[-1]}"
    head = ["instance", "algorithm", "role", top, "TTS99 (sweeps)", "residual e / n", "overlap", recovery,
            "TTS99 recovery (sweeps)"]  # fmt: skip
    body = []
    for label, spec, role, _ in rows:
        success = index.get((label, spec, top))
        if success is None:
            continue
        residual = index.get((label, spec, "residual_energy"))
        overlap = index.get((label, spec, "overlap"))
        body.append([label, spec, role, _probability(success), _tts(index.get((label, spec, "tts99_sweeps"))),
                     "-" if residual is None else f"{residual.value:.4f}", _fmt(overlap.value if overlap else None, 3),
                     _probability(index.get((label, spec, recovery))),
                     _tts(index.get((label, spec, "tts99_recovery_sweeps")))])  # fmt: skip
    return head, body


def _probability(m) -> str:
    return "-" if m is None else f"{m.value:.2f} [{m.low:.2f}, {m.high:.2f}]"


def _tts(m) -> str:
    """A TTS99 with its interval, "censored" when no run succeeded, and * when the best budget is at the edge."""
    if m is None:
        return "-"
    if m.value is None:
        return "censored"
    text = f"{_fmt(m.value)} [{_fmt(m.low)}, {_fmt(m.high)}]"
    return text + " *" if m.note and "edge" in m.note else text


def _summary_table(result: Score) -> tuple[list[str], list[list[str]]]:
    head = ["algorithm", "metric", "value", "95% interval"]
    body = [[m.algorithm, m.metric, "censored" if m.value is None else _fmt(m.value),
             "censored in every resample" if m.low is None else
             f"[{_fmt(m.low)}, {'unbounded' if m.high is None else _fmt(m.high)}]"] for m in result.summary]  # fmt: skip
    return head, body


TEFF_NOTE = (
    "The Metropolis temperature whose stationary energy equals your algorithm's, measured with long "
    "runs (on the unplanted twin of a planted instance, where recovery would otherwise set the energy); "
    "the 'at T_eff' baseline runs at it."
)
SAMPLING_NOTE = (
    "On instances small enough to enumerate, the exact stationary law pi of each scored point (one "
    "sweep in its own site order): T_eff is the temperature of the Boltzmann law closest to pi "
    "(least KL), TV the total-variation distance to it and to Boltzmann at the point's own T. A "
    "Boltzmann sampler has TV 0; a rule without detailed balance (SGD-like) need not."
)


def _teff_table(result: Score) -> tuple[list[str], list[list[str]]]:
    head = ["instance", "measured on", "T_eff", "95% interval", "why not"]
    body = [[t.instance, t.measured_on or "-", _fmt(t.t_eff), "-" if t.low is None else f"[{_fmt(t.low)}, "
             f"{_fmt(t.high)}]", t.reason or ""] for t in result.plan.effective_temperatures]  # fmt: skip
    return head, body


def _sampling_table(result: Score) -> tuple[list[str], list[list[str]]]:
    head = ["instance", "algorithm", "states", "T_eff (exact)", "TV at T_eff", "TV at own T", "why not"]
    body = [[q.instance, q.algorithm, str(q.states), _fmt(q.t_eff_exact), _distance(q.tv_at_t_eff),
             _distance(q.tv_at_own_t), q.reason or ""] for q in result.sampling]  # fmt: skip
    return head, body


def _distance(v: float | None) -> str:
    """A distance between laws, "< 1e-12" when it is round-off."""
    return "-" if v is None else ("< 1e-12" if v < 1e-12 else f"{v:.3g}")


TEMPERING_NOTE = (
    "Parallel-tempering runs at the largest budget: the end ladder (mean over runs), the swap "
    "acceptance of each neighbouring pair (coldest first, mean over runs), round trips per run, "
    "and the rounds one replica needs per round trip (none: no replica went from the lowest "
    "temperature to the highest and back, so the ladder does not mix)."
)


def _tempering_table(result: Score) -> tuple[list[str], list[list[str]]]:
    head = ["instance", "algorithm", "T ladder", "swap acceptance per pair", "round trips / run",
            "rounds per round trip"]  # fmt: skip
    body = [[d.instance, d.algorithm, " ".join(f"{t:.3g}" for t in d.temperatures),
             " ".join("-" if a is None else f"{a:.2f}" for a in d.swap_acceptance), f"{d.round_trips:.3g}",
             "none" if d.round_trip_rounds is None else f"{d.round_trip_rounds:.4g}"] for d in result.tempering]  # fmt: skip
    return head, body


def _tuning_table(result: Score) -> tuple[list[str], list[list[str]]]:
    head = ["instance", "algorithm", "grid point", "median TTS99 on training twins", "on the instance", "chosen"]
    body = []
    for (label, tunable), c in result.choices.items():
        if not c.training:
            continue
        for point in c.tunable.points():
            chosen = " + ".join(r for r, p in (("tuned", c.recommended), ("oracle", c.oracle)) if p == point)
            body.append([label, tunable, point, _fmt(_finite(c.training[point][0])), _fmt(_finite(c.scored[point][0])),
                         chosen])  # fmt: skip
    return head, body


def _finite(v: float) -> float | None:
    return None if math.isinf(v) else v


def _html_table(head, body) -> str:
    cells = lambda row, tag: "".join(f"<{tag}>{html.escape(str(v))}</{tag}>" for v in row)
    return ("<table><thead><tr>" + cells(head, "th") + "</tr></thead><tbody>"
            + "".join("<tr>" + cells(r, "td") + "</tr>" for r in body) + "</tbody></table>")  # fmt: skip


def _md_table(head, body) -> str:
    esc = lambda v: str(v).replace("|", "\\|")
    lines = ["| " + " | ".join(map(esc, head)) + " |", "|" + "---|" * len(head)]
    return "\n".join(lines + ["| " + " | ".join(map(esc, r)) + " |" for r in body])


STYLE = """body{font-family:system-ui,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;font-size:13px;margin:1em 0}th,td{border:1px solid #ccc;padding:3px 7px;text-align:left}
th{background:#f2f2f2}figure{margin:2em 0}figcaption{font-size:13px;color:#444;max-width:900px}
code{background:#f5f5f5;padding:1px 4px}svg{max-width:100%;height:auto}"""


def write_scorecard(result: Score, store: Store, out_dir: str | Path, command: str) -> dict[str, Path]:
    """Write ``index.html``, ``scorecard.md``, its PNG figures and ``score.json`` into ``out_dir`` (created)."""
    import matplotlib.pyplot as plt

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    rows = _rows(result)
    runs = _runs(result)
    figures = _figures(result, runs, rows)
    head, body = _table(result, rows)
    tune_head, tune_body = _tuning_table(result)
    sum_head, sum_body = _summary_table(result)
    quantile_note = ("Instance quantiles of TTS99 (sweeps) over the suite's instances, each algorithm at its scored "
                     "point on each; intervals: bootstrap over instances, then runs; censored: the quantile "
                     "reaches an instance no run solved.")  # fmt: skip
    suite = result.plan.suite
    title = f"benchsuite scorecard: {result.plan.algorithm.label} on suite {suite.name} v{suite.version}"
    about = (f"{len(suite.instances)} instances, {result.plan.seeds} runs per (instance, algorithm, budget), budgets "
             f"{list(result.plan.budgets)} sweeps; {suite.tuning_description}. {result.run.cells} cells in {store.path.name}. "
             f"benchsuite {__version__}.")  # fmt: skip
    legend = ("Intervals 95% (Jeffreys for success; TTS99 from it). * the best budget is at the edge of the range "
              "tried. Roles: yours (your algorithm), tuned (the grid point chosen on training twins), oracle (the "
              "best grid point on the instance itself: a bound on tuning, not a baseline), fixed (no grid), at T_eff "
              "(Metropolis at the effective temperature of your algorithm, measured on the unplanted twin of a "
              "planted instance).")  # fmt: skip
    files = {}
    for name, fig in figures.items():
        files[name] = out / f"fig-{name}.png"
        fig.savefig(files[name], dpi=110, bbox_inches="tight", metadata={"Software": None})
    figure_html = "".join(
        f"<figure id='fig-{name}'>{_svg(fig)}<figcaption>{html.escape(CAPTIONS[name])} Reproduce: "
        f"<code>{html.escape(command)}</code></figcaption></figure>"
        for name, fig in figures.items()
    )
    for fig in figures.values():
        plt.close(fig)
    sections = [("Scorecard", head, body, legend), ("Over the suite", sum_head, sum_body, quantile_note),
                ("Tuning", tune_head, tune_body, None)]  # fmt: skip
    if result.plan.effective_temperatures:
        sections.append(("Effective temperature", *_teff_table(result), TEFF_NOTE))
    if result.sampling:
        sections.append(("Sampling quality (exact)", *_sampling_table(result), SAMPLING_NOTE))
    if result.tempering:
        sections.append(("Parallel tempering", *_tempering_table(result), TEMPERING_NOTE))
    page = (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{html.escape(title)}</title>"
            f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1><p>{html.escape(about)}</p>"
            f"<p>Reproduce: <code>{html.escape(command)}</code></p>"
            + "".join(f"<h2>{name}</h2>{_html_table(h, b)}" + (f"<p>{html.escape(note)}</p>" if note else "")
                      for name, h, b, note in sections)
            + f"<h2>Figures</h2>{figure_html}</body></html>\n")  # fmt: skip
    (out / "index.html").write_text(page, encoding="utf-8")
    md = [f"# {title}", "", about, "", f"Reproduce: `{command}`", ""]
    for name, h, b, note in sections:
        md += [f"## {name}", "", _md_table(h, b), ""] + ([note, ""] if note else [])
    md += ["## Figures", ""]
    for name in figures:
        md += [f"![{name}]({files[name].name})", "", f"{CAPTIONS[name]} Reproduce: `{command}`", ""]
    (out / "scorecard.md").write_text("\n".join(md), encoding="utf-8")
    (out / "score.json").write_text(json.dumps(result.to_dict(), allow_nan=False, indent=1) + "\n", encoding="utf-8")
    return {"html": out / "index.html", "markdown": out / "scorecard.md", "json": out / "score.json", **files}
