#!/usr/bin/env python3
"""cloud-tco against the two ways an analyst would do the same sums in Python.

Builds N generated 20-server projects on the embedded default catalog
(data/catalogs/default.csv) — servers (count 1–4, sizes 1x1 … 32x128), a growing block_ssd
storage entry, a service start on any day of 2026–2028 (mostly mid-month, so the first and last
months are prorated), a 0–9 % discount, 0–4.5 % yearly escalation, 10 % VAT — and computes each
project's 7-year usage fee, project total and project total with VAT three ways:

  (a) cloud-tco: the `cloud-tco batch` command on a JSON Lines file (timed end to end: process
      start, parsing, planning, summary CSV), `cloud_tco.batch(path)` in Python (a DataFrame),
      and `cloud_tco.batch(projects)` on `Project` objects already read (`Project.from_dict`,
      not timed) — the starting point of (b) and (c), which take the projects as dicts in memory;
  (b) pandas, written as an analyst would: vectorised float64, average prices per flavor/item
      computed with pandas from the catalog CSV and `round(…, 2)`, month fractions as floats,
      multiply, `np.floor` per line-year, sum; VAT `np.floor(year_total * 0.1)`;
  (c) a straightforward loop over Python `decimal.Decimal` implementing SPEC R1–R3 exactly
      (products exact at 60 digits, the month fraction's division last, truncation per line-year).

Only the rules the generated projects use are implemented in (b) and (c): servers (cheapest
fitting flavor per provider, then the average, R1) and block_ssd storage with yearly growth; no OS
licences, extra disks, traffic, backup or costs.

Each method runs --repeat times (default 3) and the fastest run counts: the machine may be
shared, and the minimum is the least disturbed.

Agreement = share of projects whose usage fee, project total and project total with VAT all
equal cloud-tco's to the won. (c) must agree 100 %; the script exits with status 1 if it does not.

    .venv/bin/python benches/compare_python.py --n 20000 --repeat 5   # .venv: made by bindings/python/run-tests.sh
"""

from __future__ import annotations

import argparse
import calendar
import csv
import decimal
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from decimal import ROUND_HALF_UP, Decimal

import numpy as np
import pandas as pd

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CATALOG = os.path.join(ROOT, "data", "catalogs", "default.csv")
CLI = os.path.join(ROOT, "target", "release", "cloud-tco")

SIZES = [(1, 1), (1, 2), (2, 4), (2, 8), (4, 8), (4, 12), (4, 16), (8, 16), (8, 32), (16, 64),
         (32, 64), (32, 128)]
USAGE_YEARS = 7
VAT_PCT = 10


# --------------------------------------------------------------------------------------------
# Projects


def generate(n: int, seed: int = 20260715) -> list[dict]:
    rng = random.Random(seed)
    projects = []
    for k in range(n):
        year = rng.randint(2026, 2028)
        month = rng.randint(1, 12)
        day = 1 if rng.random() < 0.1 else rng.randint(2, 28)
        servers = []
        for s in range(20):
            vcpu, mem = rng.choice(SIZES)
            servers.append({"name": f"s{s}", "vcpu": vcpu, "memory_gb": mem,
                            "count": rng.randint(1, 4)})
        projects.append({
            "name": f"p{k:06d}",
            "kind": "new",
            "budget_year": year,
            "service_start": f"{year}-{month:02d}-{day:02d}",
            "usage_years": USAGE_YEARS,
            "options": {"basis": "average", "discount_pct": rng.randint(0, 9),
                        "price_escalation_pct": str(Decimal(rng.randint(0, 9)) / 2),
                        "vat_pct": VAT_PCT},
            "servers": servers,
            "storage": [{"class": "block_ssd", "gb": 100 * rng.randint(1, 50),
                         "annual_growth_gb": str(Decimal(rng.randint(0, 999)) / 2)}],
        })
    return projects


def start_of(p: dict) -> tuple[int, int, int]:
    y, m, d = (int(x) for x in p["service_start"].split("-"))
    return y, m, d


# --------------------------------------------------------------------------------------------
# (a) cloud-tco


def run_cli(path: str, out: str) -> float:
    t = time.perf_counter()
    subprocess.run([CLI, "batch", "--projects", path, "-o", out], check=True)
    return time.perf_counter() - t


def read_cli(out: str) -> dict[str, tuple[int, int, int]]:
    res = {}
    with open(out, newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["error"]:
                raise SystemExit(f"cloud-tco failed on {row['project']}: {row['error']}")
            res[row["project"]] = (int(row["usage_fee"]), int(row["project_total"]),
                                   int(row["project_total_with_vat"]))
    return res


def run_binding(path: str):
    import cloud_tco
    t = time.perf_counter()
    df = cloud_tco.batch(path)
    return time.perf_counter() - t, df


def run_binding_projects(projects: list):
    """`cloud_tco.batch` on `Project` objects already read: the same starting point as the two
    Python loops, which take the projects as dicts already in memory."""
    import cloud_tco
    t = time.perf_counter()
    df = cloud_tco.batch(projects)
    return time.perf_counter() - t, df


def best_of(repeat: int, run):
    """The fastest of `repeat` runs (the machine is shared: the minimum is the least
    disturbed) and the result of the last."""
    best, result = float("inf"), None
    for _ in range(repeat):
        secs, result = run()
        best = min(best, secs)
    return best, result


def frame_results(df) -> dict[str, tuple[int, int, int]]:
    if df.attrs.get("failed"):
        raise SystemExit(f"cloud_tco.batch: {df.attrs['failed']} failed")
    return {r.project: (int(r.usage_fee), int(r.project_total), int(r.project_total_with_vat))
            for r in df.itertuples(index=False)}


# --------------------------------------------------------------------------------------------
# (b) pandas, float64


def pandas_way(projects: list[dict]) -> pd.DataFrame:
    cat = pd.read_csv(CATALOG)
    # Average unit prices per server spec: cheapest fitting flavor per provider, then the mean.
    srv = cat[cat["category"] == "server"]
    spec_price = {}
    for vcpu, mem in SIZES:
        fit = srv[(srv["vcpu"] >= vcpu) & (srv["memory_gb"] >= mem)]
        spec_price[(vcpu, mem)] = round(fit.groupby("provider")["price"].min().mean(), 2)
    ssd = round(cat[(cat["category"] == "storage") & (cat["item"] == "block_ssd")]["price"].mean(), 2)

    # One row per line.
    proj = pd.DataFrame({
        "project": [p["name"] for p in projects],
        "start": pd.to_datetime([p["service_start"] for p in projects]),
        "discount": [float(p["options"]["discount_pct"]) for p in projects],
        "escalation": [float(p["options"]["price_escalation_pct"]) for p in projects],
    })
    srv_rows = pd.DataFrame(
        [(p["name"], s["vcpu"], s["memory_gb"], s["count"]) for p in projects for s in p["servers"]],
        columns=["project", "vcpu", "memory_gb", "qty"])
    srv_rows["price"] = [spec_price[(v, m)] for v, m in zip(srv_rows["vcpu"], srv_rows["memory_gb"])]
    srv_rows["growth"] = 0.0
    sto_rows = pd.DataFrame(
        [(p["name"], float(s["gb"]), float(s["annual_growth_gb"])) for p in projects for s in p["storage"]],
        columns=["project", "qty", "growth"])
    sto_rows["price"] = ssd
    lines = pd.concat([srv_rows[["project", "price", "qty", "growth"]], sto_rows], ignore_index=True)

    # Months of use per fiscal year (service years 0 … 7) as floats.
    start = proj["start"]
    dim = start.dt.days_in_month.astype(float)
    day = start.dt.day.astype(float)
    month = start.dt.month.astype(float)
    first = (12 - month) + (dim - day + 1) / dim
    # The last year: the months before the start month, plus days 1 … day-1 of that month
    # (same month and day-of-month 7 years later; days_in_month of that year).
    end_dim = (start + pd.DateOffset(years=USAGE_YEARS)).dt.days_in_month.astype(float)
    last = (month - 1) + (day - 1) / end_dim
    years = np.arange(USAGE_YEARS + 1)
    months = np.where(years[None, :] == 0, first.to_numpy()[:, None],
                      np.where(years[None, :] == USAGE_YEARS, last.to_numpy()[:, None], 12.0))
    py = pd.DataFrame(months, columns=years)
    py["project"] = proj["project"]
    py = py.melt(id_vars="project", var_name="i", value_name="months")
    py["i"] = py["i"].astype(int)
    py = py.merge(proj[["project", "discount", "escalation", "start"]], on="project")
    py["year"] = py["start"].dt.year + py["i"]
    py["factor"] = (1 - py["discount"] / 100) * (1 + py["escalation"] / 100) ** py["i"]

    ly = lines.merge(py[["project", "i", "year", "months", "factor"]], on="project")
    ly["amount"] = np.floor(ly["price"] * (ly["qty"] + ly["growth"] * ly["i"]) * ly["factor"] * ly["months"])
    by_year = ly.groupby(["project", "year"], sort=False)["amount"].sum().reset_index()
    by_year["vat"] = np.floor(by_year["amount"] * (VAT_PCT / 100))
    out = by_year.groupby("project", sort=False)[["amount", "vat"]].sum()
    out["usage_fee"] = out["amount"]
    out["project_total"] = out["amount"]
    out["project_total_with_vat"] = out["amount"] + out["vat"]
    return out[["usage_fee", "project_total", "project_total_with_vat"]]


# --------------------------------------------------------------------------------------------
# (c) decimal loop, exact


def decimal_way(projects: list[dict]) -> dict[str, tuple[int, int, int]]:
    ctx = decimal.getcontext()
    ctx.prec = 60
    ctx.traps[decimal.Inexact] = True  # every product below must be exact
    cent = Decimal("0.01")
    with open(CATALOG, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))

    def r1(values: list[Decimal]) -> Decimal:
        ctx.traps[decimal.Inexact] = False
        avg = sum(values) / len(values)  # an average is exact to far more than 2 places here
        ctx.traps[decimal.Inexact] = True
        return avg.quantize(cent, rounding=ROUND_HALF_UP)

    # An average of n ≤ 4 prices at 60 digits, then half-up: a third decimal of exactly 5 is
    # never lost (sum/3 repeats, sum/4 ends after two decimals), so R1 is exact here.
    spec_price = {}
    for vcpu, mem in SIZES:
        best: dict[str, Decimal] = {}
        for r in rows:
            if (r["category"] == "server" and Decimal(r["vcpu"]) >= vcpu
                    and Decimal(r["memory_gb"]) >= mem):
                p = Decimal(r["price"])
                if r["provider"] not in best or p < best[r["provider"]]:
                    best[r["provider"]] = p
        spec_price[(vcpu, mem)] = r1(list(best.values()))
    ssd = r1([Decimal(r["price"]) for r in rows
              if r["category"] == "storage" and r["item"] == "block_ssd"])

    res = {}
    hundred = Decimal(100)
    for p in projects:
        y0, m0, d0 = start_of(p)
        disc = 1 - Decimal(p["options"]["discount_pct"]) / hundred
        esc = 1 + Decimal(p["options"]["price_escalation_pct"]) / hundred
        # Months of year i as an exact fraction num/den.
        dim0 = calendar.monthrange(y0, m0)[1]
        dim_end = calendar.monthrange(y0 + USAGE_YEARS, m0)[1]
        months = [((12 - m0) * dim0 + dim0 - d0 + 1, dim0)]
        months += [(12, 1)] * (USAGE_YEARS - 1)
        if (m0, d0) != (1, 1):  # a 1 January start ends on 31 December: no eighth year
            months.append(((m0 - 1) * dim_end + d0 - 1, dim_end))
        lines = [(spec_price[(s["vcpu"], s["memory_gb"])], Decimal(s["count"]), Decimal(0))
                 for s in p["servers"]]
        lines += [(ssd, Decimal(s["gb"]), Decimal(s["annual_growth_gb"])) for s in p["storage"]]
        total = vat = 0
        factor = disc
        for i, (num, den) in enumerate(months):
            year_total = 0
            for price, qty, growth in lines:
                year_total += int((price * (qty + growth * i) * factor * num) // den)
            total += year_total
            vat += year_total * VAT_PCT // 100
            factor *= esc
        res[p["name"]] = (total, total, total + vat)
    return res


# --------------------------------------------------------------------------------------------


def agreement(reference: dict, other: dict) -> tuple[int, int]:
    same = sum(1 for k, v in reference.items() if other.get(k) == v)
    return same, len(reference)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=20_000, help="projects (default 20,000)")
    ap.add_argument("--seed", type=int, default=20260715)
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs of each method; the fastest counts (default 3)")
    args = ap.parse_args()
    if not os.path.exists(CLI):
        raise SystemExit(f"build the command first: cargo build --release -p cloud-tco-cli ({CLI})")

    projects = generate(args.n, args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "projects.jsonl")
        with open(path, "w", encoding="utf-8") as f:
            for p in projects:
                f.write(json.dumps(p, ensure_ascii=False, separators=(",", ":")))
                f.write("\n")
        out = os.path.join(tmp, "summary.csv")
        t_cli, _ = best_of(args.repeat, lambda: (run_cli(path, out), None))
        ref = read_cli(out)
        t_bind, df = best_of(args.repeat, lambda: run_binding(path))
        bind = frame_results(df)

    import cloud_tco
    objects = [cloud_tco.Project.from_dict(p) for p in projects]
    t_obj, df = best_of(args.repeat, lambda: run_binding_projects(objects))
    obj = frame_results(df)

    def timed(way):
        t = time.perf_counter()
        result = way(projects)
        return time.perf_counter() - t, result

    t_pd, pdf = best_of(args.repeat, lambda: timed(pandas_way))
    pd_res = {name: (int(r.usage_fee), int(r.project_total), int(r.project_total_with_vat))
              for name, r in pdf.iterrows()}
    t_dec, dec = best_of(args.repeat, lambda: timed(decimal_way))

    n = len(projects)
    rows = [
        ("cloud-tco batch (CLI, end to end)", t_cli, agreement(ref, ref)),
        ("cloud_tco.batch (Python, JSON Lines)", t_bind, agreement(ref, bind)),
        ("cloud_tco.batch (Python, Projects)", t_obj, agreement(ref, obj)),
        ("pandas float64 (vectorised)", t_pd, agreement(ref, pd_res)),
        ("Python decimal loop (exact)", t_dec, agreement(ref, dec)),
    ]
    print(f"{n:,} projects × 20 server groups + 1 growing block_ssd storage, 7 years "
          f"({os.cpu_count()} CPUs; fastest of {args.repeat} runs each)\n")
    print(f"{'method':<36} {'seconds':>9} {'projects/s':>11} {'× cloud-tco':>12} {'agree':>8}")
    for name, secs, (same, total) in rows:
        print(f"{name:<36} {secs:9.3f} {n / secs:11,.0f} {secs / t_cli:11.1f}x "
              f"{100 * same / total:7.2f}%")

    # What the float disagreements look like.
    diffs = [(k, ref[k], pd_res.get(k)) for k in ref if pd_res.get(k) != ref[k]]
    if diffs:
        print()
        fields = ("usage_fee", "project_total", "project_total_with_vat")
        for j, field in enumerate(fields):
            d = [pd_res[k][j] - ref[k][j] for k in ref if k in pd_res]
            off = [x for x in d if x]
            if off:
                print(f"pandas {field}: {len(off):,} of {n:,} off; "
                      f"difference min {min(off):+,} max {max(off):+,} won, "
                      f"mean |d| {sum(abs(x) for x in off) / len(off):.2f}")
        k, a, b = diffs[0]
        print(f"e.g. {k}: cloud-tco {a}, pandas {b}")
    bad = [k for k in ref if dec.get(k) != ref[k]]
    if bad:
        k = bad[0]
        print(f"\nthe decimal loop disagrees on {len(bad)} projects, e.g. {k}: "
              f"cloud-tco {ref[k]}, decimal {dec.get(k)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
