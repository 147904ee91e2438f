#!/usr/bin/env python3
"""Turns gemm_bench's JSON into a gnuplot chart and a Markdown table.

    bench/gemm_report.py OUT_DIR gemm.json [openblas-default.json]

Writes OUT_DIR/gemm.png (GFLOP/s against size on square matrices, one line per
implementation, the measured 1-core FMA peak as a dashed line) and prints a table of every
shape with the GFLOP/s of each implementation: nnlab's backend that dispatch picked ("auto",
named in the header), the other backends, OpenBLAS's Haswell (AVX2) and default kernels side
by side, and the ratios of nnlab (auto, 1 thread) to each OpenBLAS kernel. Where the bench
workflow also left OUT_DIR/train_step.json (train_step_bench) and OUT_DIR/cache_sharing.json
(cache_sharing_bench), it prints their tables too: samples/s per network and batch with the
2-thread ÷ 1-thread ratio, and the momentum pass's GB/s after the other core read or wrote.
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
    ctx = data["context"]
    peak = float(ctx.get("fma_peak_gflops_1core", ctx.get("avx2_fma_peak_gflops_1core", "nan")))
    repeated = any(b.get("run_type") == "aggregate" for b in data["benchmarks"])
    rates = defaultdict(dict)  # shape -> impl -> GFLOP/s
    for b in data["benchmarks"]:
        if b.get("error_occurred") or "GFLOP/s" not in b:
            continue
        if repeated and b.get("aggregate_name") != "max":
            continue
        parts = b.get("run_name", b["name"]).split("/")
        if parts[0] == "fma_peak":  # the peak loops rerun as benchmarks: the fastest counts
            gflops = b["GFLOP/s"] / 1e9 if b["GFLOP/s"] > 1e6 else b["GFLOP/s"]
            key = f"{parts[1]}_fma_peak_gflops_1core"
            ctx[key] = str(max(float(ctx.get(key, 0)), gflops))
            peak = max(peak, gflops) if peak == peak else gflops
            continue
        shape, impl = "/".join(parts[:3]), "/".join(parts[3:])
        rates[shape][impl] = b["GFLOP/s"] / 1e9 if b["GFLOP/s"] > 1e6 else b["GFLOP/s"]
    return peak, rates, ctx


def fastest(path, counter):
    """{run name: counter}, the fastest repetition (the "max" aggregate, else the largest value)."""
    with open(path) as f:
        data = json.load(f)
    best = {}
    for b in data["benchmarks"]:
        if b.get("error_occurred") or counter not in b:
            continue
        if b.get("run_type") == "aggregate" and b.get("aggregate_name") not in ("max",):
            continue
        name = b.get("run_name", b["name"])
        best[name] = max(best.get(name, 0.0), float(b[counter]))
    return best


def print_train_step(path):
    """samples/s of train_step_bench: one row per network and batch, 1 and 2 threads."""
    rates = fastest(path, "samples/s")
    rows = defaultdict(dict)  # (hidden, batch) -> threads -> samples/s
    for name, rate in rates.items():
        if not name.startswith("train_step_bench/"):
            continue
        args = dict(part.split(":") for part in name.split("/")[1:] if ":" in part)
        rows[(int(args["hidden"]), int(args["batch"]))][int(args["threads"])] = rate
    print("\ntrain_step_bench: samples/s of one training step (batch conversion included)\n")
    print("| hidden | batch | 1 thread | 2 threads | 2t / 1t |")
    print("|---|---|---|---|---|")
    for (hidden, batch), r in sorted(rows.items()):
        one, two = r.get(1), r.get(2)
        cells = [f"{v / 1e3:.1f} k" if v else "" for v in (one, two)] + [f"{two / one:.2f}×" if one and two else ""]
        print(f"| {hidden} | {batch} | " + " | ".join(cells) + " |")
    for name, rate in sorted(rates.items()):
        if name.startswith("train_step_subnormal/"):
            print(f"{name}: {rate / 1e3:.1f} k samples/s")


def print_cache_sharing(path):
    """GB/s of cache_sharing_bench's momentum pass, alone and after the other core."""
    rates = fastest(path, "GB/s")
    print("\ncache_sharing_bench: the momentum pass on core 0, GB/s\n")
    for name, rate in sorted(rates.items()):
        print(f"{name}: {rate:.1f} GB/s")


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out_dir = sys.argv[1]
    peak, rates, ctx = load(sys.argv[2])
    for extra in sys.argv[3:]:
        if os.path.exists(extra):
            for shape, impls in load(extra)[1].items():
                rates[shape].update(impls)
    picked = ctx.get("gemm_kernel", "avx2")

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
        lines.append(f"{peak} with lines dt 2 lc rgb 'black' title 'FMA peak, 1 core ({peak:.0f})'")
        f.write("plot " + ", \\\n     ".join(lines) + "\n")
    if subprocess.call(["gnuplot", "gemm.gp"], cwd=out_dir) == 0:
        print(f"chart: {os.path.join(out_dir, 'gemm.png')}")

    # The table: nnlab's backends (the one dispatch picked first), then OpenBLAS's kernels.
    mine = f"nnlab-{picked}/1t"
    backends = [picked] + [k for k in ("avx512", "avx2") if k != picked]
    cols = [f"nnlab-{k}/{t}" for k in backends for t in ("1t", "2t") if any(f"nnlab-{k}/{t}" in r for r in rates.values())]
    blas_cols = sorted(i for i in impls if i.startswith("openblas"))
    blas_1t = [b for b in blas_cols if b.endswith("/1t")]
    print(f"\nCPU: {ctx.get('cpu_model', '?')}; dispatch picked {picked} ({ctx.get('gemm_dispatch', '?')})")
    print(f"FMA peak, 1 core: {peak:.1f} GFLOP/s (AVX2 {float(ctx.get('avx2_fma_peak_gflops_1core', 'nan')):.1f},"
          f" AVX-512 {float(ctx.get('avx512_fma_peak_gflops_1core', 'nan')):.1f})\n")
    header = "| shape | " + " | ".join(cols + blas_cols) + f" | {mine} % of peak | 2t / 1t |"
    header += "".join(f" {mine} ÷ {b} |" for b in blas_1t)
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    for s in sorted(rates, key=lambda s: (s.split("/")[0], s)):
        r = rates[s]
        row = f"| {s} | " + " | ".join(f"{r[c]:.1f}" if c in r else "" for c in cols + blas_cols)
        one, two = r.get(mine), r.get(mine.replace("/1t", "/2t"))
        row += f" | {100 * one / peak:.0f}%" if one else " | "
        row += f" | {two / one:.2f}×" if one and two else " | "
        for b in blas_1t:
            row += f" | {one / r[b]:.2f}×" if one and b in r else " | "
        print(row + " |")

    if os.path.exists(os.path.join(out_dir, "train_step.json")):
        print_train_step(os.path.join(out_dir, "train_step.json"))
    if os.path.exists(os.path.join(out_dir, "cache_sharing.json")):
        print_cache_sharing(os.path.join(out_dir, "cache_sharing.json"))


if __name__ == "__main__":
    main()
