#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Part of liquidwave. Written for this project; it imports ncps and torch at run time but contains
# no code from them.
"""Replay ``ncps-golden/1`` reference documents in ncps/PyTorch **float32**: the oracle of
liquidwave's float32 mode (test/nn/ncps-float32.test.ts).

For each document (made by tools/ncps_export.py in float64) the ncps model is rebuilt from the
recorded class, constructor arguments and wiring expression, its float64 state dict is loaded into
a float32 model (each value rounded to float32), and the ``regular`` run (Δt = 1, zero initial
state) is repeated in float32: output, final state, the gradient of ``sum(output)`` with respect to
every trainable parameter and to the input. The PyTorch-vs-PyTorch difference (this float32 run
against the document's float64 run, max |Δ| / max |float64| per quantity) is written beside the
values: it is the float32 tolerance scale the liquidwave test checks against.

Output: one ``ncps-float32/1`` JSON per document, named like it, into ``--out-dir``.

    PYTHONPATH=/tmp/ncps /usr/bin/python3 tools/ncps_float32.py --out-dir test/fixtures/ncps-f32 \\
        test/fixtures/ncps/cfc_default_u8.json test/fixtures/ncps/ltc_fc8_out2.json ...
"""
from __future__ import annotations

import argparse
import json
import os
import platform

import torch
import ncps
import ncps.wirings as wirings
from ncps.torch import CfC, LTC

CLASSES = {"CfC": CfC, "LTC": LTC}


def tensor(t: dict) -> torch.Tensor:
    return torch.tensor(t["data"], dtype=torch.float64).reshape(t["shape"])


def rel(a: torch.Tensor, ref: torch.Tensor) -> float:
    scale = ref.abs().max().item()
    d = (a.double() - ref).abs().max().item()
    return d / scale if scale > 0 else d


def flat(t: torch.Tensor) -> list:
    # float32 values printed as the shortest decimal that reads back as the same float32
    return [float(f"{v:.9g}") for v in t.detach().reshape(-1).tolist()]


def replay(doc: dict) -> dict:
    model_info = doc["model"]
    ctor = dict(model_info["ctor"])
    if isinstance(ctor.get("units"), str):
        ctor["units"] = eval(ctor["units"], {k: getattr(wirings, k) for k in dir(wirings) if not k.startswith("_")})  # noqa: S307 (our own fixtures)
    model = CLASSES[model_info["class"]](**ctor)
    state = {p["name"]: tensor(p).to(torch.float32) for p in doc["parameters"]}
    model.load_state_dict(state, strict=True)
    model.eval()
    run = next(r for r in doc["runs"] if r["name"] == "regular")
    if run.get("timespans") is not None or run.get("initial_state") not in (None, "zeros"):
        raise SystemExit(f"{doc['case']}: the regular run must have no timespans and a zero initial state")
    x = tensor(run["input"]).to(torch.float32).requires_grad_(True)
    out, h = model(x)
    if isinstance(h, tuple):
        h = h[0]
    out.sum().backward()
    grads = {n: p.grad for n, p in model.named_parameters() if p.requires_grad and p.grad is not None}
    ref_grads = {n: tensor(t) for n, t in run["grads"].items()}
    return {
        "format": "ncps-float32/1",
        "case": doc["case"],
        "source": doc["case"] + ".json",
        "generator": {"tool": "tools/ncps_float32.py", "torch": torch.__version__, "ncps": getattr(ncps, "__version__", "?"),
                      "python": platform.python_version()},
        "run": "regular",
        "output": {"shape": list(out.shape), "data": flat(out)},
        "final_state": {"shape": list(h.shape), "data": flat(h)},
        "grads": {n: {"shape": list(g.shape), "data": flat(g)} for n, g in grads.items() if n in ref_grads},
        "grad_input": {"shape": list(x.grad.shape), "data": flat(x.grad)},
        "torch32_vs_torch64": {
            "output": rel(out, tensor(run["output"])),
            "final_state": rel(h, tensor(run["final_state"])),
            "grads": max(rel(grads[n], ref_grads[n]) for n in ref_grads if n in grads),
            "grad_input": rel(x.grad, tensor(run["grad_input"])),
        },
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out-dir", required=True)
    ap.add_argument("docs", nargs="+")
    args = ap.parse_args()
    torch.set_num_threads(1)
    torch.set_default_dtype(torch.float32)
    os.makedirs(args.out_dir, exist_ok=True)
    for path in args.docs:
        with open(path) as f:
            doc = json.load(f)
        res = replay(doc)
        out = os.path.join(args.out_dir, os.path.basename(path))
        with open(out + ".tmp", "w") as f:
            json.dump(res, f, separators=(",", ":"))
        os.replace(out + ".tmp", out)
        print(res["case"], json.dumps(res["torch32_vs_torch64"]))


if __name__ == "__main__":
    main()
