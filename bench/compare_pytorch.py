#!/usr/bin/python3
"""Trains the same network in nnlab and in PyTorch, on this machine, and prints both.

    bench/compare_pytorch.py [--hidden 128] [--batch 64] [--epochs 3] [--lr 0.1]
                             [--momentum 0.9] [--threads 1] [--kernel auto|portable|avx2|avx512]
                             [--trainer build/instructor/bin/nnlab-train]

Linear(784, H) → ReLU → Linear(H, 10), softmax cross-entropy, SGD with momentum, constant
learning rate, the same standardized MNIST inputs. Needs Debian's python3-torch
(sudo apt-get install python3-torch) and MNIST in data/mnist.
"""
import argparse
import csv
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_nnlab(a):
    scratch = tempfile.mkdtemp(prefix="nnlab-compare-")
    try:
        return run_nnlab_in(a, os.path.join(scratch, "run"))  # the trainer makes the run folder itself
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def run_nnlab_in(a, out):
    cmd = [a.trainer, "--hidden", str(a.hidden), "--batch", str(a.batch), "--epochs", str(a.epochs), "--lr", str(a.lr),
           "--momentum", str(a.momentum), "--lr-schedule", "constant", "--threads", str(a.threads), "--out", out,
           "--no-plot", "--quiet"]
    env = dict(os.environ)
    if a.kernel != "auto":
        env["NNLAB_GEMM_KERNEL"] = a.kernel  # the trainer's GEMM backend, forced
    subprocess.run(cmd, check=True, stdout=subprocess.PIPE, env=env)
    with open(os.path.join(out, "metrics.csv")) as f:
        rows = [r for r in csv.DictReader(f) if r["kind"] == "epoch"]
    with open(os.path.join(out, "config.json")) as f:
        a.kernel_used = json.load(f).get("gemm_kernel", "?")
    return [(float(r["seconds"]), float(r["test_accuracy"])) for r in rows]


def run_torch(a):
    import numpy as np
    import torch
    torch.set_num_threads(a.threads)
    torch.manual_seed(1)
    d = os.path.join(ROOT, "data", "mnist")
    def images(name):
        x = np.fromfile(os.path.join(d, name), dtype=np.uint8)[16:].reshape(-1, 784)
        return torch.tensor((x / 255.0 - 0.1306605) / 0.3081078, dtype=torch.float32)
    def labels(name):
        return torch.tensor(np.fromfile(os.path.join(d, name), dtype=np.uint8)[8:].astype(np.int64))
    xtr, ytr = images("train-images-idx3-ubyte"), labels("train-labels-idx1-ubyte")
    xte, yte = images("t10k-images-idx3-ubyte"), labels("t10k-labels-idx1-ubyte")
    model = torch.nn.Sequential(torch.nn.Linear(784, a.hidden), torch.nn.ReLU(), torch.nn.Linear(a.hidden, 10))
    opt = torch.optim.SGD(model.parameters(), lr=a.lr, momentum=a.momentum)
    loss_fn = torch.nn.CrossEntropyLoss()
    result = []
    for _ in range(a.epochs):
        perm = torch.randperm(len(xtr))
        t0 = time.perf_counter()
        for i in range(0, len(xtr), a.batch):
            idx = perm[i:i + a.batch]
            opt.zero_grad()
            loss_fn(model(xtr[idx]), ytr[idx]).backward()
            opt.step()
        seconds = time.perf_counter() - t0
        with torch.no_grad():
            acc = (model(xte).argmax(1) == yte).float().mean().item()
        result.append((seconds, acc))
    return result


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--hidden", type=int, default=128)
    p.add_argument("--batch", type=int, default=64)
    p.add_argument("--epochs", type=int, default=3)
    p.add_argument("--lr", type=float, default=0.1)
    p.add_argument("--momentum", type=float, default=0.9)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--kernel", default="auto", choices=["auto", "portable", "avx2", "avx512"],
                   help="nnlab's GEMM backend (NNLAB_GEMM_KERNEL); auto: the one dispatch picks")
    p.add_argument("--trainer", default=os.path.join(ROOT, "build", "instructor", "bin", "nnlab-train"))
    a = p.parse_args()
    # PyTorch's set_num_threads sizes its own pool only: the BLAS under it (Debian's libblas,
    # OpenBLAS where installed) starts a thread per core unless told otherwise, before it is
    # loaded — measured: torch.mm at 174–187 GFLOP/s "on 1 thread" of a 118 GFLOP/s core.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        os.environ[var] = str(a.threads)
    try:
        import torch  # noqa: F401
    except ImportError:
        sys.exit("PyTorch is not installed: sudo apt-get install python3-torch")
    mine, theirs = run_nnlab(a), run_torch(a)
    print(f"H={a.hidden} batch={a.batch} lr={a.lr} momentum={a.momentum} threads={a.threads} "
          f"nnlab gemm={a.kernel_used} ({a.kernel})")
    print(f"{'epoch':>5}  {'nnlab s':>8}  {'torch s':>8}  {'nnlab acc':>9}  {'torch acc':>9}")
    for e, ((ms, ma), (ts, ta)) in enumerate(zip(mine, theirs), 1):
        print(f"{e:>5}  {ms:8.3f}  {ts:8.3f}  {100 * ma:8.2f}%  {100 * ta:8.2f}%")
    m = sorted(s for s, _ in mine)[len(mine) // 2]
    t = sorted(s for s, _ in theirs)[len(theirs) // 2]
    print(f"median epoch: nnlab {m:.3f} s, PyTorch {t:.3f} s: nnlab is {t / m:.2f}× faster")


if __name__ == "__main__":
    main()
