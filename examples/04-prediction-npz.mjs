// Channel prediction on your own data: write channel trajectories to an .npz file (here a
// synthetic stand-in for measurements: each user's channel is a sum of plane waves with Doppler
// shifts), load it back as a dataset, and run the prediction case study on it: classical
// predictors against a liquid network (CfC), NMSE per predicted step.
//
//   node examples/04-prediction-npz.mjs
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Rng, complexTensor } from "liquidwave";
import { saveChannelDataset, loadChannelDataset } from "liquidwave/node";
import { runPrediction } from "liquidwave/experiments";

// ---- 1. "Measurements": K users (one trajectory each), M = 4 BS antennas, T samples Δt apart.
const K = 24,
  M = 4,
  T = 300,
  dt = 1e-3,
  fc = 6e9,
  speed = 2; // Hz, m/s
const fD = (speed * fc) / 299_792_458; // maximum Doppler shift, ≈ 40 Hz
const rng = new Rng(2024);
const re = new Float64Array(T * K * M),
  im = new Float64Array(T * K * M);
for (let k = 0; k < K; k++) {
  const paths = Array.from({ length: 16 }, () => ({
    doppler: fD * Math.cos(rng.uniformRange(0, 2 * Math.PI)), // Hz
    aod: rng.uniformRange(-Math.PI / 3, Math.PI / 3), // angle of departure at the ULA
    phase: rng.uniformRange(0, 2 * Math.PI),
  }));
  for (let t = 0; t < T; t++) {
    for (let m = 0; m < M; m++) {
      let r = 0,
        i = 0;
      for (const p of paths) {
        const phi = p.phase + 2 * Math.PI * p.doppler * t * dt + Math.PI * m * Math.sin(p.aod); // half-wavelength ULA
        r += Math.cos(phi) / 4; // 16 paths of power 1/16: unit mean power
        i += Math.sin(phi) / 4;
      }
      re[(t * K + k) * M + m] = r; // H [T, K, Nk = 1, M]
      im[(t * K + k) * M + m] = i;
    }
  }
}
const t = Float64Array.from({ length: T }, (_, n) => n * dt);
const dataset = {
  H: complexTensor(re, im, [T, K, 1, M]),
  t,
  meta: { source: "04-prediction-npz.mjs", layout: "liquidwave", fc, dt, notes: [] },
};

const dir = mkdtempSync(join(tmpdir(), "liquidwave-prediction-"));
try {
  // ---- 2. Save as .npz (arrays H [T, K, Nk, M] complex, t [T] s, fc Hz, dt s) and load it back,
  // as you would load your own file (npz, npy, MATLAB v5/v7.3, HDF5, DeepMIMO).
  const path = join(dir, "my-channels.npz");
  saveChannelDataset(path, dataset);
  const loaded = await loadChannelDataset(path);
  console.log(
    `wrote and loaded ${path.split("/").pop()}: H [${loaded.H.shape}] (${loaded.meta.layout} layout), dt ${loaded.meta.dt} s, fc ${loaded.meta.fc / 1e9} GHz`,
  );

  // ---- 3. The case study: 20 past samples → the next 5, inputs at 20 dB SNR; trajectories split
  // 60/20/20 into training, validation and test users. `speed` gives the Doppler f_D to the
  // Wiener predictor (the file records fc and dt). "cfc+ridge": the CfC learns the residual of a
  // ridge predictor. With this little training data (24 users) the Doppler-aware Wiener filter wins.
  const result = runPrediction(
    {
      history: 20,
      horizon: 5,
      snrDb: 20,
      speed,
      models: ["hold", "linear", "ar", "wiener", "kalman", "cfc", "cfc+ridge"],
      epochs: 30,
      seed: 1,
    },
    { datasets: [loaded] },
  );
  const c = result.config;
  console.log(
    `windows: ${c.windows.train} train, ${c.windows.validation} validation, ${c.windows.test} test; f_D ${c.dopplerHz?.toFixed(1)} Hz`,
  );
  console.log(`model      NMSE per step k = 1..5 (dB)             mean (dB)`);
  for (const m of result.models) {
    console.log(`${m.name.padEnd(10)} ${m.nmseDb.map((x) => x.toFixed(1).padStart(7)).join("")}   ${m.meanNmseDb.toFixed(2).padStart(8)}`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
