// Simulate a multi-user MIMO channel (3GPP TR 38.901 UMi street canyon at 6 GHz, users on random
// walks) and precode it with zero forcing and WMMSE at the same transmit power; print the sum
// spectral efficiency (SE) of each at a few SNRs.
//
//   node examples/03-channel-wmmse.mjs
import { generateChannel } from "liquidwave/channel";
import { dbmToLinear, trajectorySample, userRates, zf, wmmse, precoderPower } from "liquidwave/beamforming";

// 8 BS antennas, 4 single-antenna users, 5 samples 1 ms apart; each user's channel normalised to
// unit mean power (the preset's default "per-user"), so that the SNR below is per user and antenna.
const sim = generateChannel({ preset: "umi-6ghz", users: 4, antennas: 8, userAntennas: 1, samples: 5, seed: 11 });
const [T, K, Nk, M] = sim.H.shape;
console.log(`umi-6ghz channel H [T, K, Nk, M] = [${T}, ${K}, ${Nk}, ${M}], ${sim.meta.notes.length} notes from the simulator`);

const noiseDbm = 0;
for (const snrDb of [0, 10, 20]) {
  // Power budget P and noise variance sigma^2 in the same unit (mW).
  const sys = { sigma2: dbmToLinear(noiseDbm), power: dbmToLinear(noiseDbm + snrDb) };
  let seZf = 0,
    seWmmse = 0,
    minPower = Infinity,
    maxPower = 0;
  for (let t = 0; t < T; t++) {
    const h = trajectorySample(sim.H, t); // one sample: K users × Nk × M
    const vZf = zf(h, sys); // V [M, K·d], ||V||_F^2 = P
    // WMMSE started from regularised ZF and run to a tight tolerance (at high SNR it converges
    // slowly), then rescaled to exactly P (never lowers the rate).
    const w = wmmse(h, sys, { init: "rzf", maxIter: 1000, relTol: 1e-7, fillPower: true });
    seZf += userRates(h, vZf, sys).sumRate / T;
    seWmmse += userRates(h, w.V, sys).sumRate / T;
    for (const v of [vZf, w.V]) {
      minPower = Math.min(minPower, precoderPower(v) / sys.power);
      maxPower = Math.max(maxPower, precoderPower(v) / sys.power);
    }
  }
  console.log(
    `SNR ${String(snrDb).padStart(2)} dB: sum SE  ZF ${seZf.toFixed(2)}  WMMSE ${seWmmse.toFixed(2)} bit/s/Hz  (||V||^2 / P in [${minPower.toFixed(6)}, ${maxPower.toFixed(6)}])`,
  );
}
