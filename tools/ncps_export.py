#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# Part of liquidwave. Written for this project from the `ncps-golden/1` format description
# (docs/formats.md §4.1); it imports ncps and torch at run time but contains no code from them.
"""Export a live ncps (PyTorch) model as an ``ncps-golden/1`` reference document.

The document holds the model's class, constructor arguments, effective configuration read back
from the objects, the wiring matrices the model uses, every parameter by state-dict name, and one
or two reference runs (``regular``: Δt = 1 for every step; ``irregular``: one Δt per sample and
step). Each run stores the input, the wrapper output, the state after every step, the final
state(s), ``loss = sum(output)`` and the gradient of that loss with respect to every trainable
parameter and to the input. liquidwave's ``verifyNcpsDocument`` replays such a document.

Irregular runs: ncps 1.0.1 squeezes ``timespans[:, t]`` to shape (B,) before handing it to the
cell, which breaks (or silently pairs sample b with unit b) for batches larger than one. The
intended semantics is one Δt per sample broadcast over the units, i.e. shape (B, 1) inside the
cell. We obtain it with the *unmodified* wrapper by running each sample on its own (batch 1) and
concatenating, then cross-check against a batched loop that calls the cell with (B, 1) elapsed
times; the discrepancy is written into the run's ``how_computed`` text.

Use as a module::

    import torch, ncps.torch, ncps.wirings
    torch.set_default_dtype(torch.float64)
    torch.manual_seed(12345)
    model = ncps.torch.CfC(3, ncps.wirings.AutoNCP(16, 2), mode="pure")
    x = torch.randn(2, 5, 3); ts = 0.5 + 1.5 * torch.rand(2, 5)
    export_model(model, x, ts, "case.json", case="my_case", description="...")

or from the command line with a predefined case (see ``CASES``)::

    PYTHONPATH=/tmp/ncps /usr/bin/python3 tools/ncps_export.py --case cfc_pure_autoncp16_out2 --out x.json
    PYTHONPATH=/tmp/ncps /usr/bin/python3 tools/ncps_export.py --all --out-dir test/fixtures/ncps-extra
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import re
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any, Callable, Optional

import numpy as np
import torch

FORMAT = "ncps-golden/1"
INDEX_FORMAT = "ncps-golden-index/1"
MODEL_SEED = 12345
DATA_SEED = 777
TS_LOW, TS_HIGH = 0.5, 2.0
REGULAR_SEMANTICS = "1.0 for every step (wrapper default)"
IRREGULAR_SEMANTICS = (
    "timespans[b, t] is the elapsed time of step t for sample b, broadcast over units "
    "(shape (B,1) inside the cell)"
)
# A batched (B,1) loop and the per-sample wrapper runs must agree to this (absolute) level.
CROSS_CHECK_TOL = 1e-12


class ExportError(Exception):
    """Raised for models or inputs this exporter cannot describe faithfully."""


# --------------------------------------------------------------------------------------------
# ncps imports (from PYTHONPATH) and small helpers
# --------------------------------------------------------------------------------------------

def _ncps():
    try:
        import ncps.torch as nt
        import ncps.wirings as nw
    except ImportError as e:  # pragma: no cover - environment problem
        raise ExportError(
            f"cannot import ncps ({e}); point PYTHONPATH at a checkout of mlech26l/ncps (see tools/README.md)"
        ) from e
    return nt, nw


def tensor_json(t: torch.Tensor) -> dict:
    """A tensor as {shape, data}: data is the row-major flattening (floats keep round-trip repr)."""
    t = t.detach().cpu().contiguous()
    return {"shape": list(t.shape), "data": t.reshape(-1).tolist()}


def int_matrix_json(a: np.ndarray) -> dict:
    a = np.asarray(a)
    return {"shape": list(a.shape), "data": [int(v) for v in a.reshape(-1)]}


def _ncps_location() -> Optional[str]:
    try:
        import ncps
    except ImportError:
        return None
    return os.path.dirname(os.path.dirname(os.path.abspath(ncps.__file__)))


def ncps_source_info() -> dict:
    """Commit and version of the ncps checkout on PYTHONPATH (best effort)."""
    root = _ncps_location()
    info: dict[str, Any] = {"ncps_commit": "unknown", "ncps_version": "unknown"}
    if root is None:
        return info
    env_commit = os.environ.get("NCPS_COMMIT")
    if env_commit:
        info["ncps_commit"] = env_commit
    else:
        try:
            out = subprocess.run(["git", "-C", root, "rev-parse", "HEAD"], capture_output=True, text=True, timeout=10)
            if out.returncode == 0 and re.fullmatch(r"[0-9a-f]{40}", out.stdout.strip()):
                info["ncps_commit"] = out.stdout.strip()
        except (OSError, subprocess.SubprocessError):
            pass
    setup_py = os.path.join(root, "setup.py")
    if os.path.exists(setup_py):
        m = re.search(r"version\s*=\s*['\"]([^'\"]+)['\"]", open(setup_py, encoding="utf8").read())
        if m:
            info["ncps_version"] = f"{m.group(1)} (setup.py)"
    return info


# --------------------------------------------------------------------------------------------
# Model introspection
# --------------------------------------------------------------------------------------------

def _is_ltc(model) -> bool:
    nt, _ = _ncps()
    return isinstance(model, nt.LTC)


def _is_cfc(model) -> bool:
    nt, _ = _ncps()
    return isinstance(model, nt.CfC)


def _wiring_of(model):
    """The wiring object a model uses (LTC always has one; CfC only in wired mode)."""
    if _is_ltc(model):
        return model._wiring
    nt, _ = _ncps()
    if isinstance(model.rnn_cell, nt.WiredCfCCell):
        return model.rnn_cell._wiring
    return None


def describe_wiring(w) -> str:
    """A short constructor-like text for a wiring, e.g. 'AutoNCP(16, 2)'."""
    _, nw = _ncps()
    if isinstance(w, nw.AutoNCP):
        extra = "" if w._sparsity_level == 0.5 and w._seed == 22222 else f", sparsity_level={w._sparsity_level}, seed={w._seed}"
        return f"AutoNCP({w.units}, {w._output_size}{extra})"
    if isinstance(w, nw.NCP):
        return (f"NCP({w._num_inter_neurons}, {w._num_command_neurons}, {w._num_motor_neurons}, "
                f"{w._sensory_fanout}, {w._inter_fanout}, {w._recurrent_command_synapses}, {w._motor_fanin})")
    if isinstance(w, nw.Random):
        return f"Random({w.units}, {w.output_dim}, sparsity_level={w.sparsity_level}, random_seed={w._random_seed})"
    if isinstance(w, nw.FullyConnected):
        extra = "" if w._erev_init_seed == 1111 and w.self_connections else f", erev_init_seed={w._erev_init_seed}, self_connections={w.self_connections}"
        return f"FullyConnected({w.units}, {w.output_dim}{extra})"
    return f"{type(w).__name__}({w.units})"


def wiring_json(w) -> dict:
    """The wiring with its matrices, layer structure and class-specific counts."""
    _, nw = _ncps()
    if not w.is_built():
        raise ExportError("the wiring is not built (no input dimension); build happens when the model is created")
    layers = [list(map(int, w.get_neurons_of_layer(k))) for k in range(w.num_layers)]
    out: dict[str, Any] = {
        "class": type(w).__name__,
        "units": int(w.units),
        "input_dim": int(w.input_dim),
        "output_dim": int(w.output_dim),
        "num_layers": int(w.num_layers),
        "layers": layers,
        "neuron_types": [w.get_type_of_neuron(i) for i in range(w.units)],
        "adjacency_matrix": int_matrix_json(w.adjacency_matrix),
        "sensory_adjacency_matrix": int_matrix_json(w.sensory_adjacency_matrix),
        "synapse_count": int(np.sum(np.abs(w.adjacency_matrix))),
        "sensory_synapse_count": int(np.sum(np.abs(w.sensory_adjacency_matrix))),
    }
    if isinstance(w, nw.NCP):
        out["ncp"] = {
            "inter_neurons": w._num_inter_neurons,
            "command_neurons": w._num_command_neurons,
            "motor_neurons": w._num_motor_neurons,
            "sensory_fanout": w._sensory_fanout,
            "inter_fanout": w._inter_fanout,
            "recurrent_command_synapses": w._recurrent_command_synapses,
            "motor_fanin": w._motor_fanin,
        }
    if isinstance(w, nw.AutoNCP):
        out["autoncp"] = {"units": w.units, "output_size": w._output_size, "sparsity_level": w._sparsity_level, "seed": w._seed}
    if isinstance(w, nw.FullyConnected):
        out["fully_connected"] = {"erev_init_seed": w._erev_init_seed, "self_connections": w.self_connections}
    if isinstance(w, nw.Random):
        out["random"] = {"sparsity_level": w.sparsity_level, "random_seed": w._random_seed}
    return out


def _activation_module_name(cell) -> Optional[str]:
    if cell.backbone is None:
        return None
    acts = [m for m in cell.backbone if not isinstance(m, (torch.nn.Linear, torch.nn.Dropout))]
    return type(acts[0]).__name__ if acts else None


def _activation_name(cell) -> Optional[str]:
    names = {"LeCun": "lecun_tanh", "Tanh": "tanh", "ReLU": "relu", "GELU": "gelu", "SiLU": "silu"}
    m = _activation_module_name(cell)
    return None if m is None else names.get(m, m)


def config_json(model) -> dict:
    """Effective hyper-parameters read back from the model objects."""
    nt, _ = _ncps()
    mixed = bool(model.use_mixed)
    cfg: dict[str, Any] = {"state_size": int(model.state_size), "mixed_memory": mixed}
    if _is_ltc(model):
        c = model.rnn_cell
        cfg.update({
            "kind": "LTC",
            "implicit_param_constraints": bool(c._implicit_param_constraints),
            "ode_unfolds": int(c._ode_unfolds),
            "epsilon": float(c._epsilon),
            "input_mapping": c._input_mapping,
            "output_mapping": c._output_mapping,
            "motor_size": int(c.motor_size),
            "proj_size": None,
        })
        return cfg
    if not _is_cfc(model):
        raise ExportError(f"model must be an ncps.torch LTC or CfC, got {type(model).__name__}")
    cfg.update({"kind": "CfC", "proj_size": model.proj_size})
    cell = model.rnn_cell
    if isinstance(cell, nt.WiredCfCCell):
        cfg.update({
            "wired": True,
            "mode": cell._layers[0].mode,
            "layer_sizes": [int(s) for s in cell.layer_sizes],
            "backbone_layers": 0,
            "activation": "lecun_tanh (unused: no backbone in wired mode)",
            "motor_size": int(cell.motor_size),
        })
    else:
        linears = [m for m in cell.backbone] if cell.backbone is not None else []
        first = next((m for m in linears if isinstance(m, torch.nn.Linear)), None)
        drops = [m for m in linears if isinstance(m, torch.nn.Dropout)]
        cfg.update({
            "wired": False,
            "mode": cell.mode,
            "backbone_layers": int(cell.backbone_layers),
            "backbone_units": int(first.out_features) if first is not None else 0,
            "backbone_activation_module": _activation_module_name(cell),
            "backbone_dropout_modules": len(drops),
        })
        if drops:
            cfg["backbone_dropout"] = float(drops[0].p)
    return cfg


def derived_ctor(model) -> dict:
    """Constructor arguments equivalent to the model (used when the caller gives none)."""
    units = model.wiring_or_units
    ctor: dict[str, Any] = {"input_size": int(model.input_size), "units": units if isinstance(units, int) else describe_wiring(units)}
    cfg = config_json(model)
    if cfg["kind"] == "LTC":
        for k in ("implicit_param_constraints", "ode_unfolds", "epsilon", "input_mapping", "output_mapping"):
            ctor[k] = cfg[k]
    else:
        ctor["mode"] = cfg["mode"]
        if not cfg["wired"]:
            ctor["activation"] = _activation_name(model.rnn_cell) or "lecun_tanh"
            ctor["backbone_units"] = cfg["backbone_units"]
            ctor["backbone_layers"] = cfg["backbone_layers"]
            ctor["backbone_dropout"] = cfg.get("backbone_dropout", 0.0)
        if model.proj_size is not None:
            ctor["proj_size"] = model.proj_size
    if model.use_mixed:
        ctor["mixed_memory"] = True
    if not model.return_sequences:
        ctor["return_sequences"] = False
    return ctor


def parameters_json(model) -> list:
    return [
        {"name": name, "shape": list(p.shape), "requires_grad": bool(p.requires_grad), "torch_dtype": str(p.dtype),
         "data": p.detach().reshape(-1).tolist()}
        for name, p in model.named_parameters()
    ]


# --------------------------------------------------------------------------------------------
# Runs
# --------------------------------------------------------------------------------------------

@dataclass
class _Trace:
    output: torch.Tensor
    hidden: torch.Tensor  # (B, L, N)
    final_h: torch.Tensor
    final_c: Optional[torch.Tensor]


def _wrapper_run(model, x: torch.Tensor, ts: Optional[torch.Tensor]) -> _Trace:
    """Run the unmodified wrapper, recording the cell's new state at every step.

    The wrappers call ``self.rnn_cell.forward(...)`` directly (module hooks do not fire), so we
    shadow that bound method on the instance for the duration of the call; the computation is
    untouched."""
    cell = model.rnn_cell
    original = cell.forward
    states: list[torch.Tensor] = []

    def recording_forward(*args, **kwargs):
        out = original(*args, **kwargs)
        states.append(out[1])
        return out

    cell.forward = recording_forward
    try:
        y, hx = model(x, timespans=ts) if ts is not None else model(x)
    finally:
        del cell.forward
    h, c = hx if model.use_mixed else (hx, None)
    return _Trace(y, torch.stack(states, dim=1), h, c)


def _cell_loop(model, x: torch.Tensor, ts: torch.Tensor) -> torch.Tensor:
    """Batched reference loop with (B,1) elapsed times, calling ncps's own cells (cross-check)."""
    B, L, _ = x.shape
    h = torch.zeros(B, model.state_size, dtype=x.dtype)
    c = torch.zeros(B, model.state_size, dtype=x.dtype) if model.use_mixed else None
    fc = getattr(model, "fc", None)
    outs = []
    for t in range(L):
        xt = x[:, t]
        if model.use_mixed:
            h, c = model.lstm(xt, (h, c))
        y, h = model.rnn_cell(xt, h, ts[:, t:t + 1])
        if fc is not None:
            y = fc(y) if (model.return_sequences or t == L - 1) else y
        outs.append(y)
    return torch.stack(outs, dim=1) if model.return_sequences else outs[-1]


def _grads(model) -> dict:
    return {
        name: tensor_json(p.grad if p.grad is not None else torch.zeros_like(p))
        for name, p in model.named_parameters() if p.requires_grad
    }


def _run_json(name: str, ts: Optional[torch.Tensor], semantics: str, how: Optional[str], x: torch.Tensor,
              tr: _Trace, loss: torch.Tensor, grads: dict, grad_input: torch.Tensor) -> dict:
    run: dict[str, Any] = {"name": name, "timespans": None if ts is None else tensor_json(ts), "elapsed_time_semantics": semantics}
    if how is not None:
        run["how_computed"] = how
    run.update({
        "input": tensor_json(x),
        "initial_state": "zeros",
        "output": tensor_json(tr.output),
        "hidden_sequence": tensor_json(tr.hidden),
        "final_state": tensor_json(tr.final_h),
        "final_lstm_cell_state": None if tr.final_c is None else tensor_json(tr.final_c),
        "loss": float(loss.item()),
        "grad_loss": "sum(output)",
        "grads": grads,
        "grad_input": tensor_json(grad_input),
    })
    return run


def regular_run(model, inputs: torch.Tensor) -> dict:
    x = inputs.detach().clone().requires_grad_(True)
    model.zero_grad(set_to_none=True)
    tr = _wrapper_run(model, x, None)
    loss = tr.output.sum()
    loss.backward()
    return _run_json("regular", None, REGULAR_SEMANTICS, None, x, tr, loss, _grads(model), x.grad)


def irregular_run(model, inputs: torch.Tensor, timespans: torch.Tensor) -> dict:
    B = inputs.shape[0]
    ts = timespans.detach()
    if ts.dim() == 3 and ts.shape[2] == 1:
        ts = ts[:, :, 0]
    if ts.dim() != 2 or tuple(ts.shape) != tuple(inputs.shape[:2]):
        raise ExportError(f"timespans must have shape (B, L) = {tuple(inputs.shape[:2])}, got {tuple(timespans.shape)}")
    if not bool(torch.all(ts > 0)):
        raise ExportError("timespans must be > 0")
    # One wrapper call per sample (batch 1: the squeeze leaves a scalar Δt, which is correct);
    # each sample's sum(output) is back-propagated on its own and the gradients accumulate.
    model.zero_grad(set_to_none=True)
    xs = [inputs[b:b + 1].detach().clone().requires_grad_(True) for b in range(B)]
    traces = []
    for b in range(B):
        traces.append(_wrapper_run(model, xs[b], ts[b:b + 1]))
        traces[-1].output.sum().backward()
    tr = _Trace(
        torch.cat([t.output for t in traces], 0),
        torch.cat([t.hidden for t in traces], 0),
        torch.cat([t.final_h for t in traces], 0),
        None if traces[0].final_c is None else torch.cat([t.final_c for t in traces], 0),
    )
    loss = tr.output.detach().sum()
    grads = _grads(model)
    grad_input = torch.cat([x.grad for x in xs], 0)

    # Cross-check: a batched loop over ncps's cells with (B,1) elapsed times.
    names = [n for n, p in model.named_parameters() if p.requires_grad]
    params = [p for p in model.parameters() if p.requires_grad]
    xb = inputs.detach().clone().requires_grad_(True)
    yb = _cell_loop(model, xb, ts)
    gb = torch.autograd.grad(yb.sum(), params + [xb], allow_unused=True)
    dy = float((yb.detach() - tr.output.detach()).abs().max())
    dg = 0.0
    for name, p, g in zip(names + ["input"], params + [xb], gb):
        ref = grad_input if name == "input" else (p.grad if p.grad is not None else torch.zeros_like(p))
        g = torch.zeros_like(p) if g is None else g
        dg = max(dg, float((g - ref).abs().max()))
    if not (dy <= CROSS_CHECK_TOL and dg <= CROSS_CHECK_TOL * max(1.0, float(grad_input.abs().max()))):
        raise ExportError(f"per-sample wrapper runs and the (B,1) cell loop disagree: max |dy| = {dy:.3e}, max |dgrad| = {dg:.3e}")
    how = ("ncps wrapper run once per sample (batch 1) and concatenated; verified against a batched loop calling "
           f"the ncps cell with (B,1) elapsed time (max |dy| = {dy:.3e}, max |dgrad| = {dg:.3e})")
    return _run_json("irregular", ts, IRREGULAR_SEMANTICS, how, inputs, tr, loss, grads, grad_input)


# --------------------------------------------------------------------------------------------
# The document
# --------------------------------------------------------------------------------------------

def _check_model(model, inputs: torch.Tensor) -> None:
    if not (_is_ltc(model) or _is_cfc(model)):
        raise ExportError(f"model must be an ncps.torch LTC or CfC, got {type(model).__name__}")
    if not model.batch_first:
        raise ExportError("only batch_first=True models are supported (the format stores (B, L, ...) tensors)")
    if inputs.dim() != 3 or inputs.shape[2] != model.input_size:
        raise ExportError(f"inputs must have shape (B, L, {model.input_size}), got {tuple(inputs.shape)}")
    if inputs.dtype != torch.float64:
        raise ExportError(f"inputs must be float64, got {inputs.dtype} (call torch.set_default_dtype(torch.float64) first)")
    bad = [n for n, p in model.named_parameters() if p.requires_grad and p.dtype != torch.float64]
    if bad:
        raise ExportError(f"trainable parameters must be float64; not: {', '.join(bad)}")
    if not bool(torch.isfinite(inputs).all()):
        raise ExportError("inputs contain NaN or Inf")
    active = [m for m in model.modules() if isinstance(m, torch.nn.Dropout) and m.p > 0 and m.training]
    if active:
        raise ExportError("the model has active dropout (training mode): call model.eval() so the runs are deterministic")


def build_document(model, inputs: torch.Tensor, timespans: Optional[torch.Tensor] = None, *, case: str = "unnamed",
                   description: str = "", ctor: Optional[dict] = None, generator: Optional[dict] = None) -> dict:
    """The ``ncps-golden/1`` document for ``model`` on ``inputs`` (and ``timespans``, if given)."""
    _check_model(model, inputs)
    gen: dict[str, Any] = {"script": "tools/ncps_export.py"}
    gen.update(ncps_source_info())
    gen.update({
        "torch_version": torch.__version__,
        "numpy_version": np.__version__,
        "python": platform.python_version(),
        "dtype": str(torch.get_default_dtype()).replace("torch.", ""),
    })
    if generator:
        gen.update(generator)
    if any(isinstance(m, torch.nn.Dropout) for m in model.modules()):
        gen["module_mode"] = "eval" if not model.training else "train"
    c = dict(ctor) if ctor is not None else derived_ctor(model)
    c.setdefault("input_size", int(model.input_size))
    wiring = _wiring_of(model)
    doc: dict[str, Any] = {
        "format": FORMAT,
        "case": case,
        "description": description,
        "generator": gen,
        "model": {
            "class": "LTC" if _is_ltc(model) else "CfC",
            "ctor": c,
            "state_size": int(model.state_size),
            "output_size": int(model.output_size),
            "batch_first": bool(model.batch_first),
            "return_sequences": bool(model.return_sequences),
            "mixed_memory": bool(model.use_mixed),
        },
        "config": config_json(model),
        "wiring": None if wiring is None else wiring_json(wiring),
        "parameters": parameters_json(model),
        "runs": [regular_run(model, inputs)],
    }
    if timespans is not None:
        doc["runs"].append(irregular_run(model, inputs, timespans))
    model.zero_grad(set_to_none=True)
    return doc


def _write_text_atomic(text: str, path: str) -> None:
    """Write to a temp file in the same directory, then rename (readers never see half a file)."""
    d = os.path.dirname(os.path.abspath(path))
    os.makedirs(d, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=d)
    try:
        with os.fdopen(fd, "w", encoding="utf8") as f:
            f.write(text)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp creates 0600
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def write_json_atomic(doc: Any, path: str) -> None:
    """Compact JSON (floats in round-trip repr, no NaN), written atomically."""
    _write_text_atomic(json.dumps(doc, separators=(",", ":"), allow_nan=False), path)


def export_model(model, inputs: torch.Tensor, timespans: Optional[torch.Tensor] = None, path: Optional[str] = None,
                 **kwargs) -> dict:
    """Build the document (see :func:`build_document` for keyword arguments) and write it to ``path``."""
    doc = build_document(model, inputs, timespans, **kwargs)
    if path is not None:
        write_json_atomic(doc, path)
    return doc


# --------------------------------------------------------------------------------------------
# Predefined cases
# --------------------------------------------------------------------------------------------

@dataclass
class Case:
    name: str
    description: str
    model_class: str  # "LTC" | "CfC"
    ctor: dict  # as passed; a wiring is given as a (class name, args, kwargs) triple under "units"
    batch: int = 2
    length: int = 5
    group: str = "extra"  # "golden" (the original set), "heldback" (the acceptance set), "extra"
    eval_mode: bool = False
    notes: list = field(default_factory=list)


def W(cls: str, *args, **kwargs):
    """A wiring spec for a case table entry (built fresh, exactly once, by the model)."""
    return (cls, args, kwargs)


def _wiring_text(spec) -> str:
    cls, args, kwargs = spec
    parts = [repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()]
    return f"{cls}({', '.join(parts)})"


FC82 = W("FullyConnected", 8, 2)
NCP_SMALL = W("NCP", 6, 4, 2, 3, 2, 3, 2, seed=4242)  # inter, command, motor, s_fanout, i_fanout, rec, m_fanin

CASES: list[Case] = [
    # The original golden set (test/fixtures/ncps): regenerating them checks this exporter.
    Case("ltc_fc8_out2", "LTC wrapper, FullyConnected(8, 2), input 3, defaults (softplus, 6 unfolds)", "LTC",
         {"input_size": 3, "units": FC82, "implicit_param_constraints": True, "ode_unfolds": 6, "epsilon": 1e-8,
          "input_mapping": "affine", "output_mapping": "affine"}, group="golden"),
    Case("ltc_autoncp16_out2", "LTC wrapper with AutoNCP(16, 2), input 3, defaults", "LTC",
         {"input_size": 3, "units": W("AutoNCP", 16, 2), "implicit_param_constraints": True, "ode_unfolds": 6,
          "epsilon": 1e-8}, group="golden"),
    Case("ltc_fc8_out2_mixed", "LTC wrapper, FullyConnected(8,2), mixed_memory=True", "LTC",
         {"input_size": 3, "units": FC82, "mixed_memory": True}, group="golden"),
    *[Case(f"cfc_{m}_u8", f"CfC wrapper, units=8, mode='{m}', backbone 128x1, lecun_tanh", "CfC",
           {"input_size": 3, "units": 8, "mode": m, "backbone_units": 128, "backbone_layers": 1, "backbone_dropout": 0.0,
            "activation": "lecun_tanh"}, group="golden") for m in ("default", "pure", "no_gate")],
    Case("cfc_default_autoncp16_out2", "CfC wrapper with AutoNCP(16, 2) wiring (WiredCfCCell), mode='default'", "CfC",
         {"input_size": 3, "units": W("AutoNCP", 16, 2), "mode": "default"}, group="golden"),
    Case("cfc_default_u8_nobackbone", "CfC units=8, mode default, backbone_layers=0", "CfC",
         {"input_size": 3, "units": 8, "mode": "default", "backbone_layers": 0}, group="golden"),

    # The held-back acceptance cases (same conventions as the golden set).
    Case("ltc_fc8_out2_explicit", "LTC wrapper, FullyConnected(8, 2), implicit_param_constraints=False (identity positivity, no clipping in forward)", "LTC",
         {"input_size": 3, "units": FC82, "implicit_param_constraints": False}, group="heldback"),
    Case("cfc_pure_autoncp16_out2", "CfC wrapper with AutoNCP(16, 2) wiring (WiredCfCCell), mode='pure'", "CfC",
         {"input_size": 3, "units": W("AutoNCP", 16, 2), "mode": "pure"}, group="heldback"),
    Case("cfc_no_gate_autoncp16_out2", "CfC wrapper with AutoNCP(16, 2) wiring (WiredCfCCell), mode='no_gate'", "CfC",
         {"input_size": 3, "units": W("AutoNCP", 16, 2), "mode": "no_gate"}, group="heldback"),
    Case("cfc_default_u8_mixed_proj4_bb2x16_silu", "CfC(3, 8, proj_size=4, mixed_memory=True, backbone 2x16, silu)", "CfC",
         {"input_size": 3, "units": 8, "proj_size": 4, "mixed_memory": True, "activation": "silu",
          "backbone_units": 16, "backbone_layers": 2}, group="heldback"),

    # Broader coverage.
    *[Case(f"cfc_default_u8_bb32_{a}", f"CfC units=8, backbone 32x1, activation '{a}'", "CfC",
           {"input_size": 3, "units": 8, "activation": a, "backbone_units": 32}) for a in ("tanh", "relu", "gelu")],
    Case("cfc_no_gate_u8_bb2x16_relu", "CfC units=8, mode no_gate, backbone 2x16, relu", "CfC",
         {"input_size": 3, "units": 8, "mode": "no_gate", "activation": "relu", "backbone_units": 16, "backbone_layers": 2}),
    Case("cfc_default_u8_bb3x16_dropout", "CfC units=8, backbone 3x16 with backbone_dropout=0.3, eval mode (dropout inactive); "
         "Dropout modules shift the backbone indices to 0, 2, 5", "CfC",
         {"input_size": 3, "units": 8, "backbone_units": 16, "backbone_layers": 3, "backbone_dropout": 0.3}, eval_mode=True),
    Case("cfc_pure_u8_bb3x16_dropout_tanh", "CfC units=8, mode pure, backbone 3x16 tanh, backbone_dropout=0.5, eval mode", "CfC",
         {"input_size": 3, "units": 8, "mode": "pure", "activation": "tanh", "backbone_units": 16, "backbone_layers": 3,
          "backbone_dropout": 0.5}, eval_mode=True),
    Case("cfc_pure_u8_nobackbone", "CfC units=8, mode pure, backbone_layers=0", "CfC",
         {"input_size": 3, "units": 8, "mode": "pure", "backbone_layers": 0}),
    *[Case(f"cfc_{m}_ncp12", f"CfC with an explicit NCP(6, 4, 2, 3, 2, 3, 2, seed=4242) wiring, mode='{m}'", "CfC",
           {"input_size": 3, "units": NCP_SMALL, "mode": m}) for m in ("default", "pure", "no_gate")],
    Case("cfc_default_autoncp16_out2_mixed_proj3", "Wired CfC, AutoNCP(16, 2), mixed_memory=True, proj_size=3", "CfC",
         {"input_size": 3, "units": W("AutoNCP", 16, 2), "mixed_memory": True, "proj_size": 3}),
    Case("cfc_no_gate_ncp12_mixed", "Wired CfC, NCP(6, 4, 2, 3, 2, 3, 2, seed=4242), mode no_gate, mixed_memory=True", "CfC",
         {"input_size": 3, "units": NCP_SMALL, "mode": "no_gate", "mixed_memory": True}),
    Case("cfc_default_fc6_out2", "Wired CfC with a single-layer FullyConnected(6, 2) wiring (one dense masked layer); "
         "ncps emits the whole last layer (6 features), not output_dim", "CfC",
         {"input_size": 3, "units": W("FullyConnected", 6, 2)}),
    Case("cfc_pure_random10_out3", "Wired CfC with Random(10, 3, sparsity_level=0.6, random_seed=5), mode pure; "
         "ncps emits the whole single layer (10 features), not output_dim", "CfC",
         {"input_size": 3, "units": W("Random", 10, 3, sparsity_level=0.6, random_seed=5), "mode": "pure"}),
    Case("cfc_default_u8_bb16_proj3_last", "CfC units=8, backbone 16x1, proj_size=3, return_sequences=False", "CfC",
         {"input_size": 3, "units": 8, "backbone_units": 16, "proj_size": 3, "return_sequences": False}),
    Case("cfc_default_u6_bb16_b3l7i5", "CfC units=6, backbone 16x1; batch 3, length 7, input 5", "CfC",
         {"input_size": 5, "units": 6, "backbone_units": 16}, batch=3, length=7),
    Case("cfc_pure_autoncp12_out3_b3l7i5", "Wired CfC AutoNCP(12, 3), mode pure; batch 3, length 7, input 5", "CfC",
         {"input_size": 5, "units": W("AutoNCP", 12, 3), "mode": "pure"}, batch=3, length=7),
    Case("ltc_fc8_out2_in_linear_out_linear", "LTC FullyConnected(8, 2), input_mapping='linear', output_mapping='linear'", "LTC",
         {"input_size": 3, "units": FC82, "input_mapping": "linear", "output_mapping": "linear"}),
    Case("ltc_fc8_out2_in_none_out_none", "LTC FullyConnected(8, 2), input_mapping and output_mapping 'none' (identity)", "LTC",
         {"input_size": 3, "units": FC82, "input_mapping": "none", "output_mapping": "none"}),
    Case("ltc_fc8_out2_in_none_out_linear", "LTC FullyConnected(8, 2), input_mapping='none', output_mapping='linear'", "LTC",
         {"input_size": 3, "units": FC82, "input_mapping": "none", "output_mapping": "linear"}),
    Case("ltc_fc8_out2_in_None_out_identity", "LTC FullyConnected(8, 2), input_mapping=None, output_mapping='identity': "
         "ncps treats every value other than 'affine'/'linear' as the identity", "LTC",
         {"input_size": 3, "units": FC82, "input_mapping": None, "output_mapping": "identity"}),
    Case("ltc_fc8_out2_unfolds1", "LTC FullyConnected(8, 2), ode_unfolds=1", "LTC",
         {"input_size": 3, "units": FC82, "ode_unfolds": 1}),
    Case("ltc_fc8_out2_unfolds3_explicit", "LTC FullyConnected(8, 2), ode_unfolds=3, implicit_param_constraints=False", "LTC",
         {"input_size": 3, "units": FC82, "ode_unfolds": 3, "implicit_param_constraints": False}),
    Case("ltc_fc8_out2_eps1e-3", "LTC FullyConnected(8, 2), epsilon=1e-3", "LTC",
         {"input_size": 3, "units": FC82, "epsilon": 1e-3}),
    Case("ltc_random16_out4_s05", "LTC with Random(16, 4, sparsity_level=0.5, random_seed=3)", "LTC",
         {"input_size": 3, "units": W("Random", 16, 4, sparsity_level=0.5, random_seed=3)}),
    Case("ltc_random12_s075_explicit", "LTC with Random(12, sparsity_level=0.75) (all neurons outputs), implicit_param_constraints=False", "LTC",
         {"input_size": 3, "units": W("Random", 12, sparsity_level=0.75), "implicit_param_constraints": False}),
    Case("ltc_u6", "LTC with int units=6: ncps builds FullyConnected(6) internally (every neuron a motor neuron)", "LTC",
         {"input_size": 3, "units": 6}),
    Case("ltc_fc7_noself_out3", "LTC with FullyConnected(7, 3, erev_init_seed=9, self_connections=False)", "LTC",
         {"input_size": 3, "units": W("FullyConnected", 7, 3, erev_init_seed=9, self_connections=False)}),
    Case("ltc_ncp12", "LTC with an explicit NCP(6, 4, 2, 3, 2, 3, 2, seed=4242) wiring", "LTC",
         {"input_size": 3, "units": NCP_SMALL}),
    Case("ltc_u5_mixed_last", "LTC units=5, mixed_memory=True, return_sequences=False", "LTC",
         {"input_size": 3, "units": 5, "mixed_memory": True, "return_sequences": False}),
    Case("ltc_autoncp12_out3_b3l7i5", "LTC AutoNCP(12, 3); batch 3, length 7, input 5", "LTC",
         {"input_size": 5, "units": W("AutoNCP", 12, 3)}, batch=3, length=7),
]


def case_by_name(name: str) -> Case:
    for c in CASES:
        if c.name == name:
            return c
    raise ExportError(f"unknown case '{name}'; known: {', '.join(c.name for c in CASES)}")


def _ctor_for_document(ctor: dict) -> dict:
    out = {}
    for k, v in ctor.items():
        out[k] = _wiring_text(v) if isinstance(v, tuple) else v
    return out


def make_case(c: Case):
    """Build the model (after torch.manual_seed(12345)) and the data (torch.Generator seeded 777)."""
    nt, nw = _ncps()
    torch.set_default_dtype(torch.float64)
    kwargs = dict(c.ctor)
    input_size = kwargs.pop("input_size")
    units = kwargs.pop("units")
    torch.manual_seed(MODEL_SEED)
    if isinstance(units, tuple):
        cls, args, wkw = units
        units = getattr(nw, cls)(*args, **wkw)  # fresh wiring; the model builds it exactly once
    model = (nt.LTC if c.model_class == "LTC" else nt.CfC)(input_size, units, **kwargs)
    if c.eval_mode:
        model.eval()
    g = torch.Generator().manual_seed(DATA_SEED)
    x = torch.randn(c.batch, c.length, input_size, generator=g)
    ts = torch.rand(c.batch, c.length, generator=g) * (TS_HIGH - TS_LOW) + TS_LOW
    return model, x, ts


def export_case(c: Case, path: Optional[str]) -> dict:
    model, x, ts = make_case(c)
    gen = {
        "torch_manual_seed_before_model": MODEL_SEED,
        "data_generator_seed": DATA_SEED,
        "data_recipe": "g = torch.Generator().manual_seed(777); input = torch.randn(B, L, I, generator=g); "
                       "timespans = torch.rand(B, L, generator=g) * 1.5 + 0.5",
    }
    return export_model(model, x, ts, path, case=c.name, description=c.description, ctor=_ctor_for_document(c.ctor),
                        generator=gen)


def _main(argv: Optional[list] = None) -> int:
    p = argparse.ArgumentParser(description="Export ncps (PyTorch) models as ncps-golden/1 reference documents.")
    p.add_argument("--case", action="append", default=[], help="case name (repeatable); see --list")
    p.add_argument("--out", help="output file for a single --case")
    p.add_argument("--group", action="append", choices=["golden", "heldback", "extra"],
                   help="with --out-dir: export every case of this group (repeatable)")
    p.add_argument("--all", action="store_true", help="with --out-dir: the held-back and extra cases")
    p.add_argument("--out-dir", help="directory for several cases; also writes index.json there")
    p.add_argument("--list", action="store_true", help="list the predefined cases and exit")
    a = p.parse_args(argv)
    try:
        if a.list:
            for c in CASES:
                print(f"{c.name:45s} {c.group:9s} {c.description}")
            return 0
        if a.out:
            if len(a.case) != 1 or a.out_dir:
                p.error("--out needs exactly one --case (use --out-dir for several)")
            export_case(case_by_name(a.case[0]), a.out)
            print(f"wrote {a.out}", file=sys.stderr)
            return 0
        if not a.out_dir:
            p.error("give --out with one --case, or --out-dir with --case/--group/--all")
        groups = set(a.group or [])
        if a.all:
            groups |= {"heldback", "extra"}
        chosen = [case_by_name(n) for n in a.case] + [c for c in CASES if c.group in groups and c.name not in a.case]
        if not chosen:
            p.error("no cases selected")
        entries = []
        for c in chosen:
            fname = f"{c.name}.json"
            export_case(c, os.path.join(a.out_dir, fname))
            entries.append({"case": c.name, "file": fname, "group": c.group, "description": c.description})
            print(f"wrote {os.path.join(a.out_dir, fname)}", file=sys.stderr)
        write_json_atomic_pretty({"format": INDEX_FORMAT, "cases": entries}, os.path.join(a.out_dir, "index.json"))
        return 0
    except ExportError as e:
        print(f"ncps_export: {e}", file=sys.stderr)
        return 1


def write_json_atomic_pretty(doc: Any, path: str) -> None:
    _write_text_atomic(json.dumps(doc, indent=1) + "\n", path)


if __name__ == "__main__":
    sys.exit(_main())
