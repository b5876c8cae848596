import { test } from "node:test";
import assert from "node:assert/strict";
import { Rng } from "../../src/core/random.ts";
import { cfrob2 } from "../../src/core/linalg/cmat.ts";
import { lagd } from "../../src/beamforming/lagd.ts";
import { mrt } from "../../src/beamforming/precoders.ts";
import { userRates } from "../../src/beamforming/rate.ts";
import { iidChannel } from "./helpers.ts";

const sys = { sigma2: 1, power: 10 };

test("LAGD improves clearly over its matched-filter start on i.i.d. channels and stays within the power budget", () => {
  const rng = new Rng(3);
  for (let t = 0; t < 3; t++) {
    const ch = iidChannel(rng, 4, 2, 16);
    const start = userRates(ch, mrt(ch, sys), sys).sumRate;
    const r = lagd(ch, sys, { iterations: 150, rng: rng.fork(`lagd${t}`) });
    // MRT is interference-limited with 4 users on 16 antennas; the learned update removes much of it
    assert.ok(r.sumRate > 1.15 * start, `sample ${t}: LAGD ${r.sumRate} vs matched filter ${start}`);
    assert.ok(Math.abs(r.sumRate - userRates(ch, r.V, sys).sumRate) < 1e-12);
    assert.ok(cfrob2(r.V) <= sys.power * (1 + 1e-12), `power ${cfrob2(r.V)}`);
    assert.ok(r.best >= r.sumRate);
    assert.equal(r.history.length, 150);
    assert.ok(Math.abs(r.history[0]! - start) > 0, "the first iterate already moves away from V_init");
  }
});

test("LAGD with power projection only at the end still returns a feasible precoder; same rng, same result", () => {
  const rng = new Rng(4);
  const ch = iidChannel(rng, 4, 2, 16);
  const a = lagd(ch, sys, { iterations: 40, project: "end", rng: new Rng(9) });
  const b = lagd(ch, sys, { iterations: 40, project: "end", rng: new Rng(9) });
  assert.ok(cfrob2(a.V) <= sys.power * (1 + 1e-12));
  assert.deepEqual(Array.from(a.V.re), Array.from(b.V.re));
  assert.throws(() => lagd(ch, sys, { iterations: 0 }), /lagd: iterations must be an integer >= 1, got 0/);
  assert.throws(() => lagd(ch, sys, { project: "never" as never }), /lagd: project must be 'always' or 'end', got 'never'/);
});
