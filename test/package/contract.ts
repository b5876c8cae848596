// The library contract in TypeScript, as a user of the installed package writes it. It is only
// type-checked (strict, module/moduleResolution nodenext) by test/package/package.test.ts
// against the package's shipped .d.ts files; contract.mjs runs the same program. Excluded from
// the repository's own typecheck (it needs the installed package).
import {
  CfC,
  LTC,
  LSTM,
  GRU,
  MLP,
  AutoNCP,
  NCP,
  FullyConnected,
  Random,
  tensor,
  fit,
  predict,
  evaluate,
  modelToJSON,
  modelFromJSON,
  importNcpsModel,
  verifyNcpsDocument,
  ready,
  VERSION,
  type CfCOptions,
  type LTCOptions,
  type EpochLog,
  type FitResult,
  type Model,
  type ModelDocument,
  type NestedNumbers,
  type SequenceOutput,
  type Tensor,
  type CaseReport,
} from "liquidwave";
import { saveModel, loadModel } from "liquidwave/node";
import { generateChannel } from "liquidwave/channel";
import { runPrediction } from "liquidwave/experiments";

await ready();
const version: string = VERSION;

const wiring = new AutoNCP(16, 2, { seed: 1 });
const model = new CfC(3, wiring, { seed: 7 });
const denseOptions: CfCOptions = { seed: 7, mode: "default", backboneUnits: 128, projSize: 2 };
const dense = new CfC(3, 32, denseOptions);
const ltcOptions: LTCOptions = { seed: 7, odeUnfolds: 6 };
const ltc = new LTC(3, new FullyConnected(8, 2), ltcOptions);
const others = [
  new LSTM(3, 5, { seed: 7 }),
  new GRU(3, 5, { seed: 7 }),
  new CfC(
    3,
    new NCP({
      interNeurons: 4,
      commandNeurons: 3,
      motorNeurons: 2,
      sensoryFanout: 2,
      interFanout: 2,
      recurrentCommandSynapses: 3,
      motorFanin: 2,
    }),
    { seed: 7 },
  ),
  new LTC(3, new Random(6, 2, { sparsityLevel: 0.5, seed: 3 })),
];

const x: Tensor = tensor(new Float64Array(4 * 10 * 3), [4, 10, 3]);
const dt: Tensor = tensor(new Float64Array(4 * 10).fill(0.5), [4, 10]);
const { output, finalState }: SequenceOutput = model.forward(x, { timespans: dt });
const shape: readonly number[] = output.shape;
const state: Float64Array = finalState.data;
const nestedX: NestedNumbers = [
  [
    [0, 1, 2],
    [3, 4, 5],
  ],
];
model.forward(nestedX, { timespans: [[0.5, 1.5]] });
dense.forward(x);
ltc.forward(x, { timespans: dt, returnHidden: true }).hiddenSequence?.shape;
for (const m of others) m.forward(x, { timespans: dt });

const y = tensor(new Float64Array(4 * 10 * 2), [4, 10, 2]);
const logs: EpochLog[] = [];
const result: FitResult = await fit(
  model,
  { inputs: x, targets: y, timespans: dt },
  { epochs: 3, learningRate: 1e-2, onEpoch: (log) => logs.push(log) },
);
const lastLoss: number = result.history[result.history.length - 1]!.trainLoss;
const yHat: Tensor = predict(model, x, { timespans: dt });
const mse: number = evaluate(model, { inputs: x, targets: y, timespans: dt });

const doc: ModelDocument = modelToJSON(model);
const copy: Model = modelFromJSON(JSON.parse(JSON.stringify(doc)));
if (copy.kind === "sequence") copy.forward(x, { timespans: dt });
const mlp = new MLP(4, [8], 2, { seed: 1 });
mlp.forward([[1, 2, 3, 4]]).output.data;

saveModel("/tmp/model.json", model);
const loaded: Model = loadModel("/tmp/model.json");

const report: CaseReport = verifyNcpsDocument({}, { rtol: 1e-9, atol: 1e-12 });
const imported: Model = importNcpsModel({});
const sim = generateChannel({ preset: "clarke" });
const prediction = runPrediction;

// A misspelt option is a compile error.
// @ts-expect-error: 'backboneUnit' is not a CfC option (backboneUnits is)
new CfC(3, 32, { seed: 7, backboneUnit: 64 });
// @ts-expect-error: 'timespan' is not a forward option (timespans is)
model.forward(x, { timespan: dt });
// @ts-expect-error: 'learningrate' is not a fit option (learningRate is)
fit(model, { inputs: x, targets: y }, { epochs: 1, learningrate: 1e-2 });
// @ts-expect-error: LTC takes no CfC mode
new LTC(3, 8, { mode: "pure" });

export { version, shape, state, lastLoss, yHat, mse, loaded, report, imported, sim, prediction };
