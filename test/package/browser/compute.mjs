// What the browser test computes, in the page and in Node alike, through the installed package's
// public entries only. Returns plain arrays (JSON- and structured-clone-safe doubles).
import { ready, importNcpsModel, tensor } from "liquidwave";
import { generateChannel } from "liquidwave/channel";
import { runBeamformers, dbmToLinear } from "liquidwave/beamforming";
import { nmsePerStep, meanNmseDb } from "liquidwave/prediction";

/** Every reference run of an ncps-golden/1 document through the rebuilt model. */
function ncpsCase(doc) {
  const model = importNcpsModel(doc);
  return doc.runs.map((run) => {
    const x = tensor(Float64Array.from(run.input.data), run.input.shape);
    const timespans = run.timespans ? tensor(Float64Array.from(run.timespans.data), run.timespans.shape) : null;
    const { output, finalState } = model.forward(x, { timespans });
    return { name: run.name, output: Array.from(output.data), finalState: Array.from(finalState.data), reference: run.output.data };
  });
}

/** @param cases - { name: ncps-golden/1 document } */
export async function compute(cases) {
  await ready();
  const ncps = Object.fromEntries(Object.entries(cases).map(([name, doc]) => [name, ncpsCase(doc)]));

  // Channel simulator: a Clarke (Jakes) trajectory.
  const clarke = generateChannel({ preset: "clarke", samples: 32, seed: 3 });
  // Beamforming: ZF, WMMSE and GLNN (a CfC over an NCP wiring, tuned online) on a small Rayleigh
  // trajectory, equal power.
  const ray = generateChannel({ preset: "rayleigh", samples: 2, users: 2, userAntennas: 1, antennas: 4, seed: 5 });
  const beams = runBeamformers(ray.H, undefined, { sigma2: dbmToLinear(-10), power: dbmToLinear(10) }, ["zf", "wmmse", "glnn"], {
    seed: 1,
  });
  // Prediction metrics: the one-step hold predictor's NMSE on the Clarke channel.
  const [T, , , M] = clarke.H.shape;
  const n = T - 1;
  const pred = { shape: [n, 1, M], re: clarke.H.re.subarray(0, n * M), im: clarke.H.im.subarray(0, n * M) };
  const target = { shape: [n, 1, M], re: clarke.H.re.subarray(M), im: clarke.H.im.subarray(M) };
  const holdNmseDb = meanNmseDb(nmsePerStep(pred, target));

  return {
    ncps,
    clarke: { shape: Array.from(clarke.H.shape), re: Array.from(clarke.H.re), im: Array.from(clarke.H.im) },
    beamforming: beams.map((b) => ({ name: b.name, seMean: b.seMean, maxPower: b.maxPower, equalPower: b.equalPower })),
    holdNmseDb,
  };
}
