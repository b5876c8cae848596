/** The beamforming regime studies (issue 14) run as written, at a reduced size. */
import { test } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { readStudyFile } from "../../src/study/schema.ts";
import { cellOptions, expandGrid } from "../../src/study/grid.ts";
import { runBeamform } from "../../src/experiments/beamform.ts";

test("studies/beamform-tracking.yaml's first cell runs at 8 slots with every algorithm at equal power and a positive sum SE", () => {
  const s = readStudyFile(join(import.meta.dirname, "../../studies/beamform-tracking.yaml"));
  const cell = expandGrid(s)[0]!;
  const doc = runBeamform({ ...(cellOptions(s, cell) as object), samples: 8 });
  assert.deepEqual(
    doc.algorithms.map((a) => a.name),
    s.base["algorithms"],
  );
  for (const a of doc.algorithms) {
    assert.equal(a.equalPower, true, a.name);
    assert.ok(Number.isFinite(a.seMean) && a.seMean > 0, a.name);
  }
});
