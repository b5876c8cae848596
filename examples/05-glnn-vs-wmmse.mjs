// GLNN (a liquid neural network that tunes a precoder by gradient steps on the sum rate, online,
// slot after slot) against WMMSE and zero forcing along a channel trajectory, all at the same
// transmit power: precoders are designed on an imperfect channel estimate and scored on the true
// channel.
//
//   node examples/05-glnn-vs-wmmse.mjs
import { generateChannel } from "liquidwave/channel";
import { runBeamformers, dbmToLinear } from "liquidwave/beamforming";

// 28 GHz street canyon (a DeepMIMO O1 look-alike) with the preset's geometry: 64 BS antennas,
// 4 users with 2 antennas each; 60 slots of 0.125 ms at 15 m/s; the estimate has a CSI error of
// -10 dB (cee). Channels are normalised per user.
const sim = generateChannel({ preset: "o1-28ghz", samples: 60, speed: 15, cee: -10, seed: 3 });
const [T, K, Nk, M] = sim.H.shape;
console.log(`o1-28ghz trajectory: H [${T}, ${K}, ${Nk}, ${M}], estimate with CEE -10 dB`);

// Noise 0 dBm per receive antenna, budget 10 dBm (linear mW, same unit).
const sys = { sigma2: dbmToLinear(0), power: dbmToLinear(10) };
const algorithms = [
  "zf",
  "wmmse", // from a random start, up to 100 iterations per slot
  "glnn", // as published (CfC over an NCP wiring), with the power normalisation ||V||_F^2 = P
  "glnn:chain:warm:norm-in:scale-out:per-user:best", // the improved loop (see src/beamforming/learned.ts)
];
const results = runBeamformers(sim.H, sim.Hest, sys, algorithms, { seed: 1, maxIter: 100 });

const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;
console.log(`algorithm                    sum SE (bit/s/Hz)  last 20 slots  ms/slot  equal power`);
for (const r of results) {
  const name = r.label.length > 28 ? `${r.label.slice(0, 25)}...` : r.label;
  console.log(
    `${name.padEnd(28)} ${r.seMean.toFixed(2).padStart(8)}          ${mean(r.perSample.slice(-20)).toFixed(2).padStart(8)}   ${r.msPerSample.toFixed(1).padStart(7)}  ${r.equalPower ? "yes" : "NO"}`,
  );
}
const wmmse = results.find((r) => r.name === "wmmse");
for (const r of results.filter((r) => r.name.startsWith("glnn"))) {
  console.log(
    `${r.name.split(":")[0]}${r.name.includes(":") ? " (improved)" : ""}: ${((100 * r.seMean) / wmmse.seMean).toFixed(0)} % of WMMSE's sum SE at equal power`,
  );
}
if (!results.every((r) => r.equalPower)) process.exitCode = 1;
