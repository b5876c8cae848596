#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Part of liquidwave. Written for this project; it imports ncps and torch at run time but contains
# no code from them.
"""Time ncps (PyTorch) on the workloads of liquidwave's `cfc*`/`ltc*` bench cases (src/bench/lnn.ts).

float32 (PyTorch's default dtype), one thread (``torch.set_num_threads(1)``), batch first.
Workloads, as in lnn.ts: batch 32, length 32, input 8;

- ``cfc32-forward`` / ``cfc32-train``: ``CfC(8, 32)`` (128-unit backbone, one layer, lecun_tanh);
- ``ltc32-forward`` / ``ltc32-train``: ``LTC(8, FullyConnected(32))`` (6 unfolds);
- ``-train`` = forward with autograd, MSE loss against a fixed target, backward, ``Adam.step``;
  ``-forward`` = forward under ``torch.no_grad()``;
- ``*-latency``: one step at batch 1 carrying the state: ``CfC(8, 30)``, ``LTC(8, FullyConnected(30))``,
  ``CfC(8, FullyConnected(30, 8))`` (wired CfC, 8 motor neurons), under ``torch.no_grad()``.

Each case is timed like liquidwave's runner: repeated samples (tiny calls batched so one sample
lasts >= 1 ms) for about ``--time-ms``; the median per call is reported. Prints one JSON object
``{"torch": version, "threads": 1, "results": [{"name", "medianMs", "runs"}]}``.

    PYTHONPATH=/tmp/ncps /usr/bin/python3 tools/bench_ncps.py [--time-ms 1500] [--filter RE]
"""
from __future__ import annotations

import argparse
import json
import re
import statistics
import time

import torch
from ncps.torch import CfC, LTC
from ncps.wirings import FullyConnected

B, L, I = 32, 32, 8


def batch_case(make, train: bool):
    def setup():
        torch.manual_seed(1)
        model = make()
        x = torch.randn(B, L, I)
        if not train:
            def run():
                with torch.no_grad():
                    model(x)
            return run
        with torch.no_grad():
            out, _ = model(x)
        y = torch.randn(*out.shape)
        opt = torch.optim.Adam(model.parameters(), lr=1e-3)
        loss_fn = torch.nn.MSELoss()

        def step():
            opt.zero_grad()
            out, _ = model(x)
            loss = loss_fn(out, y)
            loss.backward()
            opt.step()
        return step
    return setup


def latency_case(make):
    def setup():
        torch.manual_seed(1)
        model = make()
        x = torch.randn(1, 1, I)
        state = {"h": None}

        def run():
            with torch.no_grad():
                _, h = model(x, state["h"])
            state["h"] = h
        return run
    return setup


CASES = {
    "cfc32-forward": batch_case(lambda: CfC(I, 32), False),
    "cfc32-train": batch_case(lambda: CfC(I, 32), True),
    "ltc32-forward": batch_case(lambda: LTC(I, FullyConnected(32)), False),
    "ltc32-train": batch_case(lambda: LTC(I, FullyConnected(32)), True),
    "cfc30-latency": latency_case(lambda: CfC(I, 30)),
    "ltc30-latency": latency_case(lambda: LTC(I, FullyConnected(30))),
    "wired-cfc30-latency": latency_case(lambda: CfC(I, FullyConnected(30, 8))),
}


def time_case(fn, time_ms: float) -> dict:
    warm_end = time.perf_counter() + 0.15 * time_ms / 1000  # warm-up: ~15 % of the budget, as liquidwave's runner
    fn()
    while time.perf_counter() < warm_end:
        fn()
    t0 = time.perf_counter()
    fn()
    once = max(time.perf_counter() - t0, 1e-7)
    inner = max(1, int(1e-3 / once))
    samples = []
    deadline = time.perf_counter() + time_ms / 1000
    while len(samples) < 5 or time.perf_counter() < deadline:
        t0 = time.perf_counter()
        for _ in range(inner):
            fn()
        samples.append((time.perf_counter() - t0) * 1000 / inner)
    return {"medianMs": statistics.median(samples), "runs": len(samples) * inner}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--time-ms", type=float, default=1500)
    ap.add_argument("--filter", default="")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float32)
    pat = re.compile(args.filter)
    results = []
    for name, setup in CASES.items():
        if not pat.search(name):
            continue
        results.append({"name": name, **time_case(setup(), args.time_ms)})
    print(json.dumps({"torch": torch.__version__, "threads": torch.get_num_threads(), "results": results}))


if __name__ == "__main__":
    main()
