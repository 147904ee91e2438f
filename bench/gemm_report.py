#!/usr/bin/env python3
"""Turns gemm_bench's JSON into a gnuplot chart and a Markdown table.

    bench/gemm_report.py OUT_DIR gemm.json [openblas-default.json]

Writes OUT_DIR/gemm.png (GFLOP/s against size on square matrices, one line per
implementation, the measured 1-core AVX2 FMA peak as a dashed line) and prints a table
of every shape with the GFLOP/s of each implementation and nnlab-avx2 / OpenBLAS ratios.
"""
import json
import os
import subprocess
import sys
from collections import defaultdict


def load(path):
    """Peak and {shape: {impl: GFLOP/s}}: the fastest repetition (the "max" aggregate) when
    the run was repeated (--benchmark_repetitions), else the single run."""
    with open(path) as f:
        data = json.load(f)
    peak = float(data["context"].get("avx2_fma_peak_gflops_1core", "nan"))
    repeated = any(b.get("run_type") == "aggregate" for b in data["benchmarks"])
    rates = defaultdict(dict)  # shape -> impl -> GFLOP/s
    for b in data["benchmarks"]:
        if b.get("error_occurred") or "GFLOP/s" not in b:
            continue
        if repeated and b.get("aggregate_name") != "max":
            continue
        parts = b.get("run_name", b["name"]).split("/")
        if parts[0] == "fma_peak":
            continue
        shape, impl = "/".join(parts[:3]), "/".join(parts[3:])
        rates[shape][impl] = b["GFLOP/s"] / 1e9 if b["GFLOP/s"] > 1e6 else b["GFLOP/s"]
    return peak, rates


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    peak, rates = load(sys.argv[2])
    for extra in sys.argv[3:]:
        if os.path.exists(extra):
            for shape, impls in load(extra)[1].items():
                rates[shape].update(impls)

    impls = sorted({i for v in rates.values() for i in v})
    # The chart: square sizes.
    square = sorted((s for s in rates if s.startswith("square/")), key=lambda s: int(s.split("/")[2].split("x")[0]))
    dat = os.path.join(out_dir, "gemm_square.dat")
    with open(dat, "w") as f:
        f.write("# size " + " ".join(impls) + "\n")
        for s in square:
            n = s.split("/")[2].split("x")[0]
            f.write(n + " " + " ".join(f"{rates[s].get(i, float('nan')):.2f}" for i in impls) + "\n")
    gp = os.path.join(out_dir, "gemm.gp")
    with open(gp, "w") as f:
        f.write("set terminal pngcairo size 900,560 font 'sans,10'\nset output 'gemm.png'\n")
        f.write("set title 'single-precision GEMM, square matrices'\nset xlabel 'n (n×n·n×n)'\n")
        f.write("set ylabel 'GFLOP/s'\nset logscale x 2\nset key outside right\nset grid\nset yrange [0:*]\n")
        lines = [f"'gemm_square.dat' using 1:{k + 2} with linespoints title '{name}'" for k, name in enumerate(impls)]
        lines.append(f"{peak} with lines dt 2 lc rgb 'black' title 'AVX2 FMA peak, 1 core ({peak:.0f})'")
        f.write("plot " + ", \\\n     ".join(lines) + "\n")
    if subprocess.call(["gnuplot", "gemm.gp"], cwd=out_dir) == 0:
        print(f"chart: {os.path.join(out_dir, 'gemm.png')}")

    # The table.
    # The AVX2-to-AVX2 comparison: OpenBLAS on its Haswell kernel if it ran, else any.
    blas = next((i for i in impls if i.startswith("openblas-Haswell") and i.endswith("/1t")), None) or next(
        (i for i in impls if i.startswith("openblas") and i.endswith("/1t")), None)
    cols = [i for i in impls if i in ("nnlab-avx2/1t", "nnlab-avx2/2t") or i.startswith("openblas")]
    print(f"\nAVX2 FMA peak, 1 core: {peak:.1f} GFLOP/s\n")
    header = "| shape | " + " | ".join(cols) + " | avx2 1t % of peak | avx2 2t / 1t |"
    header += f" 1t vs {blas} |" if blas else ""
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for s in sorted(rates, key=lambda s: (s.split("/")[0], s)):
        r = rates[s]
        row = f"| {s} | " + " | ".join(f"{r[c]:.1f}" if c in r else "" for c in cols)
        mine, mine2 = r.get("nnlab-avx2/1t"), r.get("nnlab-avx2/2t")
        row += f" | {100 * mine / peak:.0f}%" if mine else " | "
        row += f" | {mine2 / mine:.2f}×" if mine and mine2 else " | "
        if blas:
            row += f" | {mine / r[blas]:.2f}×" if mine and blas in r else " | "
        print(row + " |")


if __name__ == "__main__":
    main()
