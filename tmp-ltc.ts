import { parsePredictionConfig, preparePredictionWindows } from "./src/experiments/prediction.ts";
import { LearnedPredictor } from "./src/prediction/learned.ts";
import { HoldPredictor } from "./src/prediction/hold.ts";
import { WienerPredictor } from "./src/prediction/wiener.ts";
import { nmsePerStep, toDb, meanNmseDb } from "./src/prediction/metrics.ts";
const seed = Number(process.env.SEED ?? 1);
const cfg = parsePredictionConfig({ channel: { preset: "umi-6ghz", users: 12, samples: 1000 }, snrDb: 20, history: 20, horizon: 5, epochs: 4, maxTrainWindows: 600, maxTestWindows: 300, seed });
const { train, validation, test } = preparePredictionWindows(cfg, {});
console.log("windows", train.count, validation.count, test.count);
const show = (name: string, p: { predict: (w: typeof test) => any }, t: number) => {
  const n = nmsePerStep(p.predict(test), test.targets);
  console.log(name.padEnd(36), toDb(n).map((v) => v.toFixed(2)).join(" "), "mean", meanNmseDb(n).toFixed(2), `${t.toFixed(1)}s`);
};
show("hold", new HoldPredictor(), 0);
const w = new WienerPredictor({ estimate: "window" }); show("wiener-est", w, 0);
const variants = JSON.parse(process.env.V ?? "[]");
for (const v of variants) {
  const p = new LearnedPredictor({ epochs: 4, maxTrainWindows: 600, seed, ...v });
  const t0 = performance.now();
  p.fit(train, validation);
  show(JSON.stringify(v) + ` e${p.training!.bestEpoch} val ${p.training!.bestValLoss!.toExponential(3)}`, p, (performance.now() - t0) / 1000);
}
