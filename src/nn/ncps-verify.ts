/**
 * Check liquidwave against an ncps reference document (`ncps-golden/1`): rebuild the model, run
 * every reference run (regular and irregular time steps) and compare outputs, every hidden state,
 * the final state(s), every parameter gradient of sum(output) and the input gradient.
 *
 * Pass criterion per element: |ours − ref| ≤ rtol·|ref| + atol (defaults 1e-9 and 1e-12).
 */
import { fail } from "../core/errors.ts";
import { zeroGrads } from "../cells/param.ts";
import { importNcpsModel } from "./ncps-import.ts";
import { asObject, asObjectOrNull, asString, asTensor, type Json } from "./ncps-format.ts";
import type { SequenceModel } from "./sequence.ts";

export interface Comparison {
  /** Largest |ours − ref|. */
  maxAbsErr: number;
  /** Largest |ours − ref| / max(|ref|, atol/rtol). */
  maxRelErr: number;
  /** Number of elements compared. */
  count: number;
  /** Elements outside the tolerance. */
  failures: number;
}

export interface RunReport {
  name: string;
  outputs: Comparison;
  states: Comparison;
  gradients: Comparison;
  /** Per-parameter gradient comparison (plus "input"). */
  gradientDetail: Record<string, Comparison>;
  pass: boolean;
}

export interface CaseReport {
  case: string;
  runs: RunReport[];
  maxAbsErr: { outputs: number; states: number; gradients: number };
  pass: boolean;
}

export interface VerifyOptions {
  rtol?: number;
  atol?: number;
}

function emptyCmp(): Comparison {
  return { maxAbsErr: 0, maxRelErr: 0, count: 0, failures: 0 };
}

/** Fold a comparison of `ours` vs `ref` into `acc`. */
function compareInto(acc: Comparison, ours: ArrayLike<number>, ref: ArrayLike<number>, rtol: number, atol: number, what: string): void {
  if (ours.length !== ref.length) fail("verifyNcps", `${what}: ${ours.length} values vs ${ref.length} in the reference`);
  for (let i = 0; i < ref.length; i++) {
    const a = ours[i]!,
      e = ref[i]!;
    const d = Math.abs(a - e);
    const bad = !(d <= rtol * Math.abs(e) + atol);
    if (bad) acc.failures++;
    if (!(d <= acc.maxAbsErr)) acc.maxAbsErr = d;
    const rel = d / Math.max(Math.abs(e), atol / rtol);
    if (!(rel <= acc.maxRelErr)) acc.maxRelErr = rel;
  }
  acc.count += ref.length;
}

/** Run one reference run through `model` and compare. */
function verifyRun(model: SequenceModel, run: Json, rtol: number, atol: number, where: string): RunReport {
  const name = asString(run["name"] ?? "run", where, "run.name");
  const w = `${where} run '${name}'`;
  const input = asTensor(run["input"], w, "input");
  const ts = asObjectOrNull(run["timespans"], w, "timespans");
  const timespans = ts ? asTensor(ts, w, "timespans") : null;
  if (run["initial_state"] !== undefined && run["initial_state"] !== "zeros" && run["initial_state"] !== null) {
    fail(w, `only initial_state 'zeros' is supported, got ${JSON.stringify(run["initial_state"]).slice(0, 40)}`);
  }
  const res = model.forward(input, { timespans, record: true, returnHidden: true });
  const outputs = emptyCmp(),
    states = emptyCmp(),
    gradients = emptyCmp();
  compareInto(outputs, res.output.data, asTensor(run["output"], w, "output").data, rtol, atol, "output");
  compareInto(states, res.hiddenSequence!.data, asTensor(run["hidden_sequence"], w, "hidden_sequence").data, rtol, atol, "hidden_sequence");
  compareInto(states, res.finalState.data, asTensor(run["final_state"], w, "final_state").data, rtol, atol, "final_state");
  const fc = asObjectOrNull(run["final_lstm_cell_state"], w, "final_lstm_cell_state");
  if (fc) {
    if (!res.finalCell) fail(w, "reference has an LSTM cell state but the model has no mixed memory");
    compareInto(states, res.finalCell.data, asTensor(fc, w, "final_lstm_cell_state").data, rtol, atol, "final_lstm_cell_state");
  }
  const detail: Record<string, Comparison> = {};
  const grads = asObjectOrNull(run["grads"], w, "grads");
  if (grads) {
    zeroGrads(model.params);
    // The reference loss is sum(output): its gradient w.r.t. every output element is 1.
    const back = model.backward({ shape: res.output.shape, data: new Float64Array(res.output.data.length).fill(1) });
    const byName = new Map(model.params.map((p) => [p.name, p]));
    for (const [pname, value] of Object.entries(grads)) {
      const p = byName.get(pname);
      if (!p) fail(w, `gradient for unknown parameter '${pname}'`);
      const c = emptyCmp();
      compareInto(c, p.grad, asTensor(value, w, `grads.${pname}`).data, rtol, atol, `grads.${pname}`);
      detail[pname] = c;
      compareInto(gradients, p.grad, asTensor(value, w, `grads.${pname}`).data, rtol, atol, `grads.${pname}`);
    }
    if (run["grad_input"] !== undefined && run["grad_input"] !== null) {
      const c = emptyCmp();
      const ref = asTensor(run["grad_input"], w, "grad_input").data;
      compareInto(c, back.dInput.data, ref, rtol, atol, "grad_input");
      detail["input"] = c;
      compareInto(gradients, back.dInput.data, ref, rtol, atol, "grad_input");
    }
  }
  const pass = outputs.failures === 0 && states.failures === 0 && gradients.failures === 0;
  return { name, outputs, states, gradients, gradientDetail: detail, pass };
}

/** Verify every run of an `ncps-golden/1` document. */
export function verifyNcpsDocument(docIn: unknown, opts: VerifyOptions = {}): CaseReport {
  const where = "verifyNcps";
  const rtol = opts.rtol ?? 1e-9,
    atol = opts.atol ?? 1e-12;
  const doc = asObject(docIn, where, "document");
  const caseName = typeof doc["case"] === "string" ? doc["case"] : "unnamed";
  const imported = importNcpsModel(doc, `${where} '${caseName}'`);
  if (imported.kind !== "sequence") fail(where, "ncps models are sequence models");
  const model = imported.net;
  const runs = doc["runs"];
  if (!Array.isArray(runs) || runs.length === 0) fail(where, "document has no runs");
  const reports = runs.map((r, i) => verifyRun(model, asObject(r, where, `runs[${i}]`), rtol, atol, `${where} '${caseName}'`));
  const max = (f: (r: RunReport) => number) => Math.max(...reports.map(f));
  return {
    case: caseName,
    runs: reports,
    maxAbsErr: {
      outputs: max((r) => r.outputs.maxAbsErr),
      states: max((r) => r.states.maxAbsErr),
      gradients: max((r) => r.gradients.maxAbsErr),
    },
    pass: reports.every((r) => r.pass),
  };
}
