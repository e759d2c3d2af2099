"""The engine benchmark's results as the README, the /state/ page and people read them:
engines.json (everything measured), engines.md (the tables) and engines.png (the chart)."""

import json
import statistics
from dataclasses import dataclass
from pathlib import Path

from bench.journey import READ_STEP, WRITE_STEP

DATABASE_NAMES = {"postgres": "PostgreSQL", "sqlite": "SQLite"}
TWIN_NAMES = {
    "shop": "the shop",
    "stock": "stock Django",
    "user_sessions": "django-user-sessions",
    "qsessions": "django-qsessions",
    "baseline": "no session (baseline)",
}


BASE_DIR = Path(__file__).resolve().parents[1]  # the project: bench/ is at its top


@dataclass(frozen=True)
class Places:
    """Where one run's results go: the figures, the tables and the chart."""

    figures: Path
    tables: Path
    chart: Path

    @classmethod
    def published(cls) -> "Places":
        """The shop ships the figures and the chart (for /state/); the docs show the tables."""
        return cls(
            figures=BASE_DIR / "shop" / "data" / "engines.json",
            tables=BASE_DIR / "docs" / "benchmark" / "engines.md",
            chart=BASE_DIR / "static" / "benchmark" / "engines.png",
        )

    @classmethod
    def inside(cls, folder: Path) -> "Places":
        return cls(folder / "engines.json", folder / "engines.md", folder / "engines.png")


# What must match for one run's servers to stand beside another's in one set of results.
MERGED_SETTINGS = ("rounds", "seconds", "users", "rate", "soak", "threads", "journeys")


def check_mergeable(settings: dict, earlier: dict) -> None:
    """ValueError unless a run with `settings` measures as the earlier results did."""
    differ = [k for k in MERGED_SETTINGS if settings.get(k) != earlier["settings"].get(k)]
    if differ:
        raise ValueError(
            "the earlier results were measured with other settings: "
            + ", ".join(f"{k} {earlier['settings'].get(k)} (now {settings.get(k)})" for k in differ)
        )


def engine_of(variant: dict) -> tuple[str, str]:
    return variant["database"], variant["backend"]


def merge(results: dict, earlier: dict) -> dict:
    """This run's servers in place of the same engines' (database and backend) servers in
    the earlier results, or beside them for engines they lack, before that database's
    baseline. The rest stays as measured then: the earlier date, settings and baseline,
    and `merged` says which servers were measured when, with what command. Every ratio
    still compares servers measured side by side in one run."""
    check_mergeable(results["settings"], earlier)
    added = [v for v in results["variants"] if v["twin"] != "baseline"]
    engines = {engine_of(v) for v in added}
    variants: list[dict] = []
    for v in earlier["variants"]:
        if v["twin"] == "baseline":
            variants += [n for n in added if n["database"] == v["database"] and n not in variants]
        if v["twin"] == "baseline" or engine_of(v) not in engines:
            variants.append(v)
    variants += [n for n in added if n not in variants]
    names = {variant_name(v) for v in added}
    merged = [
        {**m, "servers": [n for n in m["servers"] if n not in names]}
        for m in earlier.get("merged", [])
    ]
    merged = [m for m in merged if m["servers"]]
    merged.append({
        "date": results["about"]["date"], "load": results["about"]["load"],
        "software": results["about"]["software"], "command": results["settings"]["command"],
        "servers": [variant_name(v) for v in added],
    })  # fmt: skip
    return {**earlier, "variants": variants, "merged": merged}


def variant_name(variant: dict) -> str:
    return f"{variant['database']} {variant['backend']} {variant['twin']}"


def write(results: dict, places: Places) -> None:
    for place in (places.figures, places.tables, places.chart):
        place.parent.mkdir(parents=True, exist_ok=True)
    places.figures.write_text(json.dumps(results, indent=1) + "\n")
    places.tables.write_text(markdown(results))
    chart(results, places.chart)


# --- figures -------------------------------------------------------------------------------


def spread(values: list[float]) -> tuple[float, float, float]:
    """Median, lowest, highest."""
    return statistics.median(values), min(values), max(values)


def ratios(shop: list, other: list, faster_is_higher: bool = True) -> list[float]:
    """Round by round, how many times faster the shop is than the other server."""
    pairs = [(a, b) for a, b in zip(shop, other, strict=True) if a and b]
    return [a / b if faster_is_higher else b / a for a, b in pairs]


def ratio_text(values: list[float]) -> str:
    if not values:
        return "–"
    middle, low, high = spread(values)
    return f"**{middle:.2f}×** ({low:.2f}–{high:.2f})"


def find(results: dict, database: str, backend: str, twin: str) -> dict | None:
    return next(
        (
            v
            for v in results["variants"]
            if (v["database"], v["backend"], v["twin"]) == (database, backend, twin)
        ),  # noqa: E501
        None,
    )


def headline(results: dict) -> list[dict]:
    """Per engine and database: the shop's speed as a multiple of stock's, round by round."""
    rows = []
    for shop in (v for v in results["variants"] if v["twin"] == "shop"):
        stock = find(results, shop["database"], shop["backend"], "stock")
        if stock is None:
            continue
        rows.append({
            "database": shop["database"], "backend": shop["backend"],
            "journey": ratios(shop["per_second"], stock["per_second"]),
            "cpu": ratios(shop["cpu_ms"], stock["cpu_ms"], faster_is_higher=False),
            "code": code_ratios(shop, stock, None),
            "read": code_ratios(shop, stock, READ_STEP),
            "write": code_ratios(shop, stock, WRITE_STEP),
            "kept": (shop["kept"], stock["kept"]),
        })  # fmt: skip
    return rows


def code_ratios(shop: dict, stock: dict, step: str | None) -> list[float]:
    """Round by round, stock's in-process CPU over the shop's: for one step, or the whole
    journey (None)."""

    def cost(steps: dict) -> float:
        return steps[step] if step else sum(steps.values())

    return ratios([cost(s) for s in shop["code_ms"]], [cost(s) for s in stock["code_ms"]], False)


def journey_cpu_text(variant: dict) -> str:
    rounds = [sum(steps.values()) for steps in variant.get("code_ms", [])]
    return f"{statistics.median(rounds):.1f}" if rounds else "–"


def trips_text(trips: dict[str, int] | None) -> str:
    """Database round trips (statements, and a BEGIN and COMMIT per transaction), Redis."""
    if not trips:
        return "–"
    return f"{trips['sql'] + 2 * trips['transactions']}, {trips['redis']}"


def kept_text(kept: list[int]) -> str:
    made, kept_count = kept
    return f"{kept_count}/{made} ({100 * kept_count / made:.0f}%)" if made else "–"


def memory_text(variant: dict) -> str:
    if len(variant["memory"]) < 2:
        return "–"
    start, end = (m / 2**20 for m in variant["memory"])
    growth = 100 * (end - start) / start
    return f"{start:.0f} → {end:.0f} MiB ({growth:+.1f}%, {variant['served']:,} req)"


# --- the Markdown --------------------------------------------------------------------------


def markdown(results: dict) -> str:
    about, settings = results["about"], results["settings"]
    lines = [
        "# What each session engine costs",
        "",
        f"Measured {about['date']} on {about['machine']}; {about['software']}; {about['load']}.",
        "",
        f"`{settings['command']}`: every server under gunicorn ({server_shape(results)}, "
        f"`DJANGO_DEBUG=0`), {settings['rounds']} rounds that take the servers in turn, each "
        f"round {settings['seconds']:g} s unpaced ({settings['users']} locust users) and "
        f"{settings['seconds']:g} s at {settings['rate']:g} requests a second for latency. "
        "The journey: home → list → product → add → cart → sign in → cart → change quantity → "
        "remove → sign out, each visit a new visitor.",
        *merged_text(results),
        "",
        "## The shop against stock Django",
        "",
        "How many times faster the shop is than its stock twin (Django's own stores, no lock, "
        "no register), round by round: median (lowest–highest). Above 1.00× the shop is faster. "
        "Under load: requests a second with locust unpaced, and the gunicorn workers' CPU time "
        "per request (stock's over the shop's). In-process: the code's own CPU time per "
        f"request with Django's test client ({settings.get('journeys', 0)} journeys per "
        "server and round, median per step), free of the network and of locust though not of "
        "the machine's other work, for the whole journey, a read (the signed-in cart page) and "
        "a write (a quantity change).",
        "",
        "| engine | database | under load: requests/s | under load: CPU | in-process: journey "
        "| in-process: read | in-process: write | concurrent cart changes kept: shop / stock |",
        "|---|---|--:|--:|--:|--:|--:|---|",
    ]
    for row in headline(results):
        shop_kept, stock_kept = row["kept"]
        lines.append(
            f"| `{row['backend']}` | {DATABASE_NAMES[row['database']]} "
            f"| {ratio_text(row['journey'])} | {ratio_text(row['cpu'])} "
            f"| {ratio_text(row['code'])} | {ratio_text(row['read'])} | {ratio_text(row['write'])} "
            f"| {kept_text(shop_kept)} / {kept_text(stock_kept)} |"
        )
    lines += ["", "## Every server", "", *server_table(results), "", *notes(results), ""]
    return "\n".join(lines)


def server_shape(results: dict) -> str:
    """2 workers × 4 threads; the engines whose servers ran one worker (memory must) say so."""
    single = sorted({v["backend"] for v in results["variants"] if v.get("workers") == 1})
    if not single:
        return "2 workers × 4 threads"
    names = ", ".join(f"`{b}`" for b in single)
    alike = "the shop and its stock twin alike"
    return f"2 workers × 4 threads; {names}, {alike}, 1 worker × 8 threads"


def merged_text(results: dict) -> list[str]:
    """Which servers a later run measured, merged into these results (--merge)."""
    lines = []
    for m in results.get("merged", []):
        lines += [
            "",
            f"Merged in: {', '.join(m['servers'])}, measured {m['date']} with "
            f"`{m['command']}` ({m['software']}; {m['load']}). Every ratio still compares "
            "servers measured side by side in one run; figures across runs are minutes or "
            "days apart on a shared machine.",
        ]
    return lines


def server_table(results: dict) -> list[str]:
    rate = results["settings"]["rate"]
    lines = [
        f"| engine | database | sessions by | requests/s | CPU ms per request, under load "
        "| CPU ms per journey, in-process "
        f"| p50 / p95 / p99 ms at {rate:g}/s "
        "| round trips read; write (database, Redis) | session cookie | worker memory |",
        "|---|---|---|--:|--:|--:|--:|---|--:|---|",
    ]
    for v in results["variants"]:
        rps, low, high = spread(v["per_second"])
        p = {
            k: statistics.median(run[k] for run in v["percentiles"]) for k in ("50%", "95%", "99%")
        }
        trips = v["trips"]
        lines.append(
            f"| `{v['backend']}` | {DATABASE_NAMES[v['database']]} | {TWIN_NAMES[v['twin']]} "
            f"| {rps:.0f} ({low:.0f}–{high:.0f}) | {statistics.median(v['cpu_ms']):.1f} "
            f"| {journey_cpu_text(v)} "
            f"| {p['50%']:.0f} / {p['95%']:.0f} / {p['99%']:.0f} "
            f"| {trips_text(trips.get(READ_STEP))}; {trips_text(trips.get(WRITE_STEP))} "
            f"| {v['cookie_bytes'] or '–'} B | {memory_text(v)} |"
        )
    return lines


def notes(results: dict) -> list[str]:
    failed = [v for v in results["variants"] if v["failures"]]
    lines = [
        "Round trips: SQL statements plus a BEGIN and a COMMIT per transaction, then Redis "
        "commands (a script or a pipeline is one), counted by the server for one signed-in "
        "shopper. Cookie: the session cookie that shopper sends with one cart line. Memory: "
        "the largest worker's resident size after warm-up and after the requests shown. "
        "Concurrent cart changes: "
        f"{results['settings']['threads']} threads adding to one session at once, as tabs of "
        "one browser do; a cookie session keeps whatever response came back last.",
    ]
    if failed:
        lines += ["", "Failed requests: " + ", ".join(
            f"{v['backend']} {v['database']} {v['twin']}: {v['failures']}" for v in failed
        )]  # fmt: skip
    return lines


# --- the chart -----------------------------------------------------------------------------

TWIN_COLOURS = {
    "shop": "#2f6f4f",
    "stock": "#b0b7bf",
    "user_sessions": "#d9a441",
    "qsessions": "#8a6bb8",
    "baseline": "#e4e1d6",
}


def chart(results: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    variants = [v for v in results["variants"]]
    groups = list(dict.fromkeys((v["backend"], v["database"]) for v in variants))
    figure, (speed, latency, code) = pyplot.subplots(3, 1, figsize=(10, 10), sharex=True)
    width = 0.8 / max(
        len([v for v in variants if (v["backend"], v["database"]) == g]) for g in groups
    )
    later_run = {  # server name → the date of the later run that measured it (--merge)
        name: m["date"][:10] for m in results.get("merged", []) for name in m["servers"]
    }
    for index, group in enumerate(groups):
        members = [v for v in variants if (v["backend"], v["database"]) == group]
        for offset, v in enumerate(members):
            x = index + (offset - (len(members) - 1) / 2) * width
            middle, low, high = spread(v["per_second"])
            style = {
                "color": TWIN_COLOURS[v["twin"]], "edgecolor": "#333", "linewidth": 0.5,
                "hatch": "//" if variant_name(v) in later_run else None,
            }  # fmt: skip
            speed.bar(
                x, middle, width, yerr=[[middle - low], [high - middle]],
                label=TWIN_NAMES[v["twin"]], capsize=2, **style,
            )  # fmt: skip
            p95 = statistics.median(run["95%"] for run in v["percentiles"])
            latency.bar(x, p95, width, **style)
            if journeys := [sum(steps.values()) for steps in v.get("code_ms", [])]:
                middle, low, high = spread(journeys)
                code.bar(x, middle, width, yerr=[[middle - low], [high - middle]], capsize=2,
                         **style)  # fmt: skip
    handles, labels = speed.get_legend_handles_labels()
    unique = dict(zip(labels, handles, strict=True))
    speed.legend(unique.values(), unique.keys(), fontsize=8, ncols=3, loc="upper right")
    speed.set_ylabel("journey requests per second\n(higher is better)")
    latency.set_ylabel(f"p95 ms at {results['settings']['rate']:g} req/s\n(lower is better)")
    code.set_ylabel("CPU ms per journey, in-process\n(lower is better)")
    code.set_xticks(range(len(groups)))
    code.set_xticklabels([
        f"{b}\n{DATABASE_NAMES[d]}" + "".join(
            f"\n{later_run[n]}" for n in {f"{d} {b} shop"} if n in later_run
        )
        for b, d in groups
    ])  # fmt: skip
    about = results["about"]
    later = (
        "\nHatched: measured in a later run (its date under the engine), on a machine as busy"
        "\nas it was then: compare each with its stock twin, not with the others"
        if later_run
        else ""
    )
    figure.suptitle(
        f"What each session engine costs — {about['date']}\n{about['machine']}{later}",
        fontsize=10,
    )
    figure.tight_layout()
    figure.savefig(path, dpi=90)
    pyplot.close(figure)
