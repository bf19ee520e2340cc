"""The long-run report of constant-step SGD: which minimum it prefers, measured, solved exactly and predicted.

    benchsuite longrun-report --out reports/seed2 --seed 2

writes four figures, ``summary.md`` and ``results.json`` (strict JSON):

- ``slopes.png``: log(mu_L / mu_R) against 1 / eta on the tilted double well (tilt 0.3) for Gaussian noise
  (sigma 2) and Laplace noise of the same variance: measured (SGD chains), exact (the grid chain) and the two
  predictions, the quasi-potential's and the one from f alone (2 (f_R - f_L) / Var Z);
- ``density.png``: the grid chain's stationary density beside a histogram of SGD positions (eta 0.1);
- ``noise_picks_the_minimum.png``: noise that makes SGD prefer the shallower right minimum although f alone
  (any noise that does not depend on x) says the left one: a state-dependent Gaussian (sigma(x) =
  2 exp(-0.5 x)) and the mini-batch noise of a finite sum whose examples agree near the right minimum; beside
  the quasi-potential, the diffusion approximation (the noise's local variance alone, 2 f' / Var Z(x));
- ``same_variance.png``: on a wide well beside a narrow one, Gaussian, uniform and Laplace noise of one
  variance: the uniform noise, which cannot climb the narrow well's steep walls fast, flips the winner.

- ``camel.png``: SGD with Gaussian noise on the three-hump camel at two temperatures T = eta sigma^2 / 2: the
  occupations of its three basins against Gibbs' to leading order (Laplace), and the rates of escape from each
  minimum against Eyring-Kramers (times eta, per step).

The summary also has claims (a)-(d) of the theory (:mod:`benchsuite.score.claims`) for both noises of
``slopes.png``, counted by the same chains, and SGD's effective temperature against MALA's Gibbs energies
(:func:`benchsuite.score.equivalence.landscape_effective_temperature`) beside its nominal eta sigma^2 / 2.

Not in it yet: the camel's Freidlin-Wentzell energies for noise laws other than Gaussian.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import numpy as np

from .. import _checks
from ..dynamics.constant_step import ConstantStepSGD
from ..dynamics.noise import make_noise
from ..problems.landscapes import make_landscape
from ..score.claims import DEFAULT_WINDOW
from ..score.equivalence import landscape_effective_temperature
from ..score.escape import eyring_kramers, laplace_occupations, measured_rates
from ..score.longrun import (
    diffusion_slope,
    fit_slope,
    grid_log_ratio,
    longrun,
    measure_occupation,
    quasi_potential_slope,
)
from ..validate.grid_chain import grid_law
from ..validate.grid_chain_2d import grid_law_2d

DOUBLE_WELL = "double-well:tilt=0.3"
SLOPE_CASES = {"gaussian": "gaussian:sigma=2", "laplace": f"laplace:b={math.sqrt(2)!r}"}
SLOPE_ETAS = (0.05, 0.1, 0.2)
DENSITY_ETA, DENSITY_CHAINS, DENSITY_SAMPLES = 0.1, 4096, 200
PICKS = {  # name: (landscape, noise, step sizes of the exact grid chain, step sizes measured or None)
    "state-dependent-gaussian": (DOUBLE_WELL, "gaussian:sigma=2,slope=-0.5", (0.01, 0.02, 0.05), None),
    "minibatch-finite-sum": ("double-well:tilt=0.3,examples=8,spread=2,curvature=4,anchor=1", "minibatch:b=1",
                             (0.02, 0.04, 0.08), (0.1, 0.15, 0.2)),
}  # fmt: skip
SAME_VARIANCE = "steep-gentle:steep_depth=0.9"
SAME_VARIANCE_NOISES = {"gaussian": "gaussian:sigma=1.5", "uniform": f"uniform:a={1.5 * math.sqrt(3)!r}",
                        "laplace": f"laplace:b={1.5 / math.sqrt(2)!r}"}  # fmt: skip
SAME_VARIANCE_ETAS = (0.02, 0.04, 0.08)
TEFF_CASES = [("quadratic:a=1", "gaussian:sigma=1", eta, eta / (2 - eta)) for eta in (0.05, 0.2, 0.5)] + [
    (DOUBLE_WELL, noise, 0.2, None) for noise in SLOPE_CASES.values()]  # fmt: skip
CAMEL_CELLS, CAMEL_GRID_BOX = 128, [[-2.4, 2.4], [-2.0, 2.0]]  # the 2-D grid chain: where the law has its mass
CAMEL_ETA, CAMEL_SIGMAS = 0.05, (2.0, 2.4)  # T = 0.1 and 0.144; eta f'' stays below 2 in every well


def _say(msg: str) -> None:
    print(f"longrun-report: {msg}", file=sys.stderr, flush=True)


def exact_series(spec: str, noise: str, etas, coarse: bool = False) -> dict:
    """The grid chain's log(mu_L / mu_R) at ``etas`` (2,048 cells), its fitted slope, and the predicted slopes;
    with ``coarse`` also the slope at 1,024 cells."""
    landscape, law = make_landscape(spec), make_noise(noise)
    left, right = sorted(range(2), key=lambda k: landscape.minima[k].x[0])
    ratios_at = lambda cells: [grid_log_ratio(landscape, law, eta, cells, left, right)[0] for eta in etas]
    ratios = ratios_at(2048)
    ends = float(landscape.minima[left].x[0]), float(landscape.minima[right].x[0])
    return {"landscape": spec, "noise": law.spec, "etas": list(etas), "exact_log_ratios": ratios,
            "exact_slope": fit_slope(etas, ratios).slope,
            "predicted_slope": _finite(quasi_potential_slope(landscape, law, *ends)),
            "diffusion_slope": _finite(diffusion_slope(landscape, law, *ends)),
            "f_left": landscape.minima[left].value, "f_right": landscape.minima[right].value} | (
            {"coarse_exact_slope": fit_slope(etas, ratios_at(1024)).slope} if coarse else {})  # fmt: skip


def _finite(v: float) -> float | None:
    return v if math.isfinite(v) else None


def measured_series(spec: str, noise: str, etas, seed: int, claims: float | None = None) -> dict:
    """A ``longrun`` measurement (its JSON document), with the claims table for a window ``claims``."""
    return longrun(spec, noise, etas, seed=seed, claims=claims).to_dict()


def effective_temperatures(seed: int) -> list[dict]:
    """SGD's T_eff on a quadratic (exact: eta sigma^2 / (2 - eta a)) and on the double well, beside its nominal
    eta sigma^2 / 2."""
    rows = []
    for spec, noise, eta, exact in TEFF_CASES:
        sgd = ConstantStepSGD(eta, noise)
        t = landscape_effective_temperature(make_landscape(spec), sgd, seed=seed)
        rows.append({"landscape": spec, "noise": noise, "eta": eta, "nominal": t.nominal, "t_eff": t.t_eff,
                     "low": t.low, "high": t.high, "exact": exact, "agrees_with_nominal": t.agrees_with_nominal})  # fmt: skip
    return rows


def density(seed: int) -> dict:
    """SGD positions on the double well (Gaussian sigma 2, eta 0.1) beside the grid chain's stationary law."""
    landscape = make_landscape(DOUBLE_WELL)
    sgd = ConstantStepSGD(DENSITY_ETA, SLOPE_CASES["gaussian"])
    state = sgd.init(landscape, seed, chains=DENSITY_CHAINS)
    sgd.step(state, 20_000)  # about 40 relaxation times (the measured one at eta 0.1 is ~500 steps)
    samples = []
    for _ in range(DENSITY_SAMPLES):
        sgd.step(state, 100)
        samples.append(state.x[:, 0].copy())
    law = grid_law(landscape, make_noise(SLOPE_CASES["gaussian"]), DENSITY_ETA)
    lo, hi = landscape.box[0]
    counts, edges = np.histogram(np.concatenate(samples), bins=200, range=(lo, hi))
    width = law.centres[1] - law.centres[0]
    return {"eta": DENSITY_ETA, "edges": edges.tolist(), "histogram": (counts / counts.sum() / np.diff(edges)).tolist(),
            "centres": law.centres.tolist(), "grid_density": (law.pi / width).tolist(),
            "samples": int(counts.sum())}  # fmt: skip


def camel(seed: int) -> list[dict]:
    """Occupations and escape rates of SGD on the camel (chains started at the centre) beside Laplace and
    Eyring-Kramers, per temperature."""
    landscape = make_landscape("camel")
    rows = []
    for k, sigma in enumerate(CAMEL_SIGMAS):
        temperature = CAMEL_ETA * sigma**2 / 2
        occupation = measure_occupation(landscape, make_noise(f"gaussian:sigma={sigma!r}"), CAMEL_ETA, chains=256,
                                        seed=seed + k, max_steps=4_000_000, x0=landscape.minima[0].x)  # fmt: skip
        _, exits, errors = measured_rates(occupation)
        exact = grid_law_2d(landscape, f"gaussian:sigma={sigma!r}", CAMEL_ETA, CAMEL_CELLS, box=CAMEL_GRID_BOX,
                            compensate=True)  # fmt: skip
        rows.append({"eta": CAMEL_ETA, "sigma": sigma, "temperature": temperature,
                     "minima": [m.to_dict() for m in landscape.minima],
                     "occupation": occupation.fractions.tolist(),
                     "occupation_error": occupation.fraction_errors().tolist(),
                     "exact_occupation": exact.basin_masses().tolist(), "exact_escape": exact.escape,
                     "laplace_occupation": laplace_occupations(landscape, temperature).tolist(),
                     "exit_rate_per_step": exits.tolist(),
                     "exit_rate_error": errors.tolist(),
                     "eyring_kramers_per_step": (CAMEL_ETA * eyring_kramers(landscape, temperature).sum(1)).tolist(),
                     "transitions": occupation.transitions.tolist(), "steps": occupation.steps,
                     "burn_in_steps": occupation.burn_in})  # fmt: skip
    return rows


def make_longrun_report(out: str | Path, seed: int = 2) -> Path:
    """Run every measurement and exact solve of the report and write its files into ``out``; returns the
    summary path."""
    out = _checks.output_directory("out", out, create=True)
    seed = _checks.integer("seed", seed, low=0)
    results: dict = {"seed": seed, "slopes": {}, "picks": {}, "same_variance": {}}
    for k, (name, noise) in enumerate(SLOPE_CASES.items()):
        _say(f"{name} noise on the double well: measured and exact")
        results["slopes"][name] = measured_series(DOUBLE_WELL, noise, SLOPE_ETAS, seed + 10 * k, DEFAULT_WINDOW)
    _say("the stationary density")
    results["density"] = density(seed)
    for k, (name, (spec, noise, etas, measured)) in enumerate(PICKS.items()):
        _say(f"{name}: exact")
        results["picks"][name] = exact_series(spec, noise, etas)
        if measured:
            results["picks"][name]["measured"] = measured_series(spec, noise, measured, seed + 100 + 10 * k)
    for name, noise in SAME_VARIANCE_NOISES.items():
        _say(f"{name} noise on {SAME_VARIANCE}: exact")
        results["same_variance"][name] = exact_series(SAME_VARIANCE, noise, SAME_VARIANCE_ETAS, coarse=True)
    _say("the camel: occupations and escape rates")
    results["camel"] = camel(seed)
    _say("effective temperatures against MALA")
    results["effective_temperature"] = effective_temperatures(seed)
    out.mkdir(parents=True, exist_ok=True)
    _plots(out, results)
    (out / "results.json").write_text(json.dumps(results, indent=1, allow_nan=False))
    summary = out / "summary.md"
    summary.write_text(_summary(results))
    return summary


def _plots(out: Path, results: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for (name, doc), colour in zip(results["slopes"].items(), ("C0", "C1"), strict=True):
        rows = doc["rows"]
        inv = 1.0 / np.array([r["eta"] for r in rows])
        ax.errorbar(inv, [r["log_ratio"] for r in rows], yerr=[1.96 * r["log_ratio_error"] for r in rows], fmt="o",
                    color=colour, label=f"{name}: measured, 95% ({doc['noise']})")  # fmt: skip
        exact = {"etas": [r["eta"] for r in rows], "exact_log_ratios": [r["exact_log_ratio"] for r in rows],
                 "noise": doc["noise"], "predicted_slope": doc["predicted_slope"],
                 "diffusion_slope": doc["diffusion_slope"]}  # fmt: skip
        _exact_panel(ax, exact, colour, name)
    _save(fig, ax, out / "slopes.png", "log(mu_left / mu_right)", "tilted double well (tilt 0.3), noise variance 4")

    d = results["density"]
    fig, ax = plt.subplots(figsize=(6.4, 4.0))
    ax.stairs(d["histogram"], d["edges"], label=f"SGD histogram ({d['samples']} positions)")
    ax.plot(d["centres"], d["grid_density"], "-", lw=1, label="grid chain (exact, 2048 cells)")
    ax.set_yscale("log")
    ax.set_ylim(1e-4, None)
    _save(fig, ax, out / "density.png", "stationary density", f"SGD on the double well, Gaussian sigma 2, eta {d['eta']}",
          xlabel="x")  # fmt: skip

    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for (name, doc), colour in zip(results["picks"].items(), ("C2", "C3"), strict=True):
        _exact_panel(ax, doc, colour, name)
        for row in doc.get("measured", {}).get("rows", []):
            ax.errorbar(1 / row["eta"], row["log_ratio"], yerr=1.96 * row["log_ratio_error"], fmt="o", color=colour)
            ax.plot(1 / row["eta"], row["exact_log_ratio"], "+", color=colour, ms=10)
    ax.axhline(0, color="grey", lw=0.5)
    _save(fig, ax, out / "noise_picks_the_minimum.png", "log(mu_left / mu_right)",
          "the left minimum is the global one; the noise makes SGD prefer the right\n"
          "(dots: measured, 95%; +: exact at the measured step sizes)")  # fmt: skip

    fig, ax = plt.subplots(figsize=(6.4, 4.4))
    for (name, doc), colour in zip(results["same_variance"].items(), ("C0", "C4", "C1"), strict=True):
        _exact_panel(ax, doc, colour, name)
    ax.axhline(0, color="grey", lw=0.5)
    _save(fig, ax, out / "same_variance.png", "log(mu_gentle / mu_steep)",
          "wide well (left, deeper) beside a narrow one, noise variance 2.25")  # fmt: skip
    _camel_plot(out, results["camel"])


def _save(fig, ax, path: Path, ylabel: str, title: str, xlabel: str = "1 / eta") -> None:
    """Label ``ax``, add its legend, write ``fig`` to ``path`` and close it."""
    import matplotlib.pyplot as plt

    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, fontsize=9)
    ax.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)


def _camel_plot(out: Path, rows: list[dict]) -> None:
    import matplotlib.pyplot as plt

    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    names = ["centre", "left side", "right side"]
    width = 0.2
    for k, row in enumerate(rows):
        x = np.arange(3) + (k - 0.5) * 2 * width
        left.bar(x - width / 2, row["occupation"], width, label=f"measured, T = {row['temperature']:.3g}")
        left.bar(
            x + width / 2, row["laplace_occupation"], width, alpha=0.5, label=f"Laplace, T = {row['temperature']:.3g}"
        )
        left.plot(x, row["exact_occupation"], "k_", ms=14, mew=2, label="exact (2-D grid chain)" if k == 0 else None)
        right.errorbar(x, row["exit_rate_per_step"], yerr=[1.96 * e for e in row["exit_rate_error"]], fmt="o",
                       label=f"measured, T = {row['temperature']:.3g}")  # fmt: skip
        right.plot(x, row["eyring_kramers_per_step"], "x", ms=9, label=f"Eyring-Kramers, T = {row['temperature']:.3g}")
    for ax in (left, right):
        ax.set_xticks(range(3), names)
    left.set_yscale("log")
    left.set_ylabel("occupation")
    right.set_yscale("log")
    right.set_ylabel("escape rate per step")
    left.legend(fontsize=7)
    right.legend(fontsize=7)
    fig.suptitle(f"SGD on the three-hump camel, Gaussian noise, eta {rows[0]['eta']}", fontsize=10)
    fig.tight_layout()
    fig.savefig(out / "camel.png", dpi=120)
    plt.close(fig)


def _exact_panel(ax, doc: dict, colour: str, name: str) -> None:
    """Exact log ratios against 1 / eta and the two predicted slopes, drawn through the exact point at the
    smallest step size (where the small-eta asymptotics hold best)."""
    inv = 1.0 / np.array(doc["etas"])
    ax.plot(inv, doc["exact_log_ratios"], "x", color=colour, ms=9, label=f"{name}: exact ({doc['noise']})")
    grid = np.linspace(inv.min() * 0.9, inv.max() * 1.05, 50)
    anchor = int(inv.argmax())
    for key, style, what in (("predicted_slope", "-", "quasi-potential"), ("diffusion_slope", ":", "diffusion")):
        if doc[key] is not None:
            through = doc["exact_log_ratios"][anchor] + doc[key] * (grid - inv[anchor])
            ax.plot(grid, through, style, color=colour, lw=1, label=f"{name}: {what} slope {doc[key]:.3f}")


INTRO = (
    "log(mu_left / mu_right) against 1/eta: the fitted slope a of a/eta + c + d eta.  *measured*: SGD chains "
    "(`benchsuite longrun`), 95% interval; *exact*: the grid chain's invariant law (2,048 cells, GTH); "
    "*quasi-potential*: V(x_R) - V(x_L), V' the root of H(-p) = p f'; *diffusion*: the same with the noise's "
    "local variance alone, V' = 2 f' / Var Z(x) (for noise independent of x, what f alone predicts: "
    "2 (f_R - f_L) / Var Z)."
)
PICKS_NOTE = (
    "f alone (any noise independent of x) predicts a positive slope in both cases (f_L < f_R).  The measured "
    "mini-batch slope is at larger step sizes (where the chains cross in seconds) and is still far from its "
    "small-eta limit; its log ratios agree with the exact ones step by step (`results.json`)."
)
CAMEL_NOTE = (
    "SGD at eta 0.05 with Gaussian noise is Euler-Maruyama for Langevin at T = eta sigma^2 / 2; 256 chains "
    "started at the centre, counted after a burn-in of five relaxation times until 100 transitions each way.  "
    "Laplace and Eyring-Kramers are the T -> 0 limits (their corrections are O(T)); *exact* is the 2-D grid "
    "chain's law at the same step (128 x 128 cells of [-2.4, 2.4] x [-2, 2], the cells' jitter compensated; "
    "`benchsuite.validate.grid_chain_2d`).  At eta 0.2 the side minima are unstable for SGD (eta f'' = 2.5 > 2): "
    "chains do not stay in them."
)
CAMEL_HEADER = (
    "| T | basin | occupation | exact (2-D grid chain) | Laplace | escape rate per step | Eyring-Kramers | ratio |"
)
CLAIMS_NOTE = (
    "Exponents e of windows (mass ~ exp(-e / eta)) relative to the minimum of least energy: minus the slope of "
    "the log mass ratio against 1/eta (a/eta + c + d eta), from the chains of `slopes.png` and from the exact "
    "grid chain.  *predicted*: the Freidlin-Wentzell energy of a critical point (least-cost arborescence over "
    "the quasi-potential's transition costs) or V(x) - min V at a non-critical point.  (a) holds when a "
    "non-critical window's exponent is above 0, (b) when every other minimum's is, (c) when the prediction is "
    "inside the interval, (d) when a maximum's exponent exceeds its neighbouring minimum's."
)
TEFF_NOTE = (
    "T_eff: the temperature at which MALA (exactly Gibbs) has SGD's stationary mean f / d, 1,024 chains each "
    "(`benchsuite.score.equivalence`).  On the quadratic (a = 1) the exact value is eta sigma^2 / (2 - eta a): "
    "the nominal eta sigma^2 / 2 is the eta -> 0 limit, and the module refuses it once the bias exceeds its "
    "resolution (two-sided 1e-3)."
)
SAME_VARIANCE_NOTE = (
    "A positive slope: the wide (deeper) well wins.  The uniform law's exact slope is not converged in the "
    "cells (its density has edges; compare the two cell counts), but its sign is."
)


def _summary(results: dict) -> str:
    lines = [f"# Long-run distribution of constant-step SGD (seed {results['seed']})", "", INTRO, "",
             "## Noise of one variance on the tilted double well (`slopes.png`)", "",
             "| noise | step sizes | measured | exact | quasi-potential | diffusion |", "|---|---|---|---|---|---|"]  # fmt: skip
    for doc in results["slopes"].values():
        etas = ", ".join(f"{r['eta']:g}" for r in doc["rows"])
        lines.append(f"| {doc['noise']} | {etas} | {_interval(doc)} | {doc['exact_slope']:.4f} | "
                     f"{_show(doc['predicted_slope'])} | {_show(doc['diffusion_slope'])} |")  # fmt: skip
    d = results["density"]
    lines += ["", f"`density.png`: {d['samples']} SGD positions (eta {d['eta']}) beside the grid chain's density.",
              "", "## Noise that makes SGD prefer the shallower minimum (`noise_picks_the_minimum.png`)", "",
              "| case | noise | step sizes | exact | quasi-potential | diffusion | measured (step sizes) |",
              "|---|---|---|---|---|---|---|"]  # fmt: skip
    for name, doc in results["picks"].items():
        measured = doc.get("measured")
        etas = ", ".join(f"{r['eta']:g}" for r in measured["rows"]) if measured else ""
        seen = f"{_interval(measured)} ({etas})" if measured else ""
        lines.append(f"| {name} | {doc['noise']} | {', '.join(map(str, doc['etas']))} | {doc['exact_slope']:.4f} | "
                     f"{_show(doc['predicted_slope'])} | {_show(doc['diffusion_slope'])} | {seen} |")  # fmt: skip
    lines += ["", PICKS_NOTE, "", "## One variance, three laws, on a wide and a narrow well (`same_variance.png`)", "",
              "| noise | exact (2,048 cells) | exact (1,024 cells) | quasi-potential | diffusion (f alone) |",
              "|---|---|---|---|---|"]  # fmt: skip
    for doc in results["same_variance"].values():
        lines.append(f"| {doc['noise']} | {doc['exact_slope']:.4f} | {doc['coarse_exact_slope']:.4f} | "
                     f"{_show(doc['predicted_slope'])} | {_show(doc['diffusion_slope'])} |")  # fmt: skip
    lines += ["", SAME_VARIANCE_NOTE, "", "## The three-hump camel (`camel.png`)", "", CAMEL_NOTE, "",
              CAMEL_HEADER, "|---|---|---|---|---|---|---|---|"]  # fmt: skip
    for row in results["camel"]:
        for k, name in enumerate(("centre", "left side", "right side")):
            rate, ek = row["exit_rate_per_step"][k], row["eyring_kramers_per_step"][k]
            lines.append(f"| {row['temperature']:.3g} | {name} | {row['occupation'][k]:.4f} +- "
                         f"{row['occupation_error'][k]:.4f} | {row['exact_occupation'][k]:.4f} | "
                         f"{row['laplace_occupation'][k]:.4f} | {rate:.3g} +- {row['exit_rate_error'][k]:.2g} | "
                         f"{ek:.3g} | {rate / ek:.2f} |")  # fmt: skip
    lines += ["", "## Claims (a)-(d) on the double well", "", CLAIMS_NOTE]
    for doc in results["slopes"].values():
        lines += ["", f"{doc['noise']}, step sizes {', '.join(str(r['eta']) for r in doc['rows'])}:", "",
                  "| claim | subject | predicted | exact grid | measured [95%] | holds |", "|---|---|---|---|---|---|"]  # fmt: skip
        for row in doc["claims"]["claims"]:
            if row["claim"] == "b":
                lines.append(f"| (b) | {row['subject']} | x = {row['predicted']:.4g} | | least f at x = "
                             f"{row['least_f']:.4g} | {row['holds']} |")  # fmt: skip
            else:
                measured = (
                    f"{_show(row['measured_exponent'])} [{_show(row['measured_low'])}, {_show(row['measured_high'])}]"
                )
                lines.append(f"| ({row['claim']}) | {row['subject']} | {row['predicted']:.4f} | {row['exact']:.4f} | "
                             f"{measured} | {row['holds']} |")  # fmt: skip
    lines += ["", "## Effective temperature of SGD against MALA", "", TEFF_NOTE, "",
              "| landscape | noise | eta | nominal eta Var Z / 2 | T_eff [95%] | exact | agrees with nominal |",
              "|---|---|---|---|---|---|---|"]  # fmt: skip
    for row in results["effective_temperature"]:
        exact = "" if row["exact"] is None else f"{row['exact']:.5f}"
        lines.append(f"| {row['landscape']} | {row['noise']} | {row['eta']:g} | {row['nominal']:.5f} | "
                     f"{row['t_eff']:.5f} [{row['low']:.5f}, {row['high']:.5f}] | {exact} | "
                     f"{row['agrees_with_nominal']} |")  # fmt: skip
    return "\n".join([*lines, ""])


def _interval(doc: dict) -> str:
    return f"{doc['slope']:.4f} [{doc['slope_low']:.4f}, {doc['slope_high']:.4f}]"


def _show(v: float | None) -> str:
    return "inf" if v is None else f"{v:.4f}"
