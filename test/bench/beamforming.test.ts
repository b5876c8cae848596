import { test } from "node:test";
import assert from "node:assert/strict";
import { beamformingCases } from "../../src/bench/beamforming.ts";

test("the beamforming bench cases are uniquely named and the light ones run (setup and one call)", () => {
  const cases = beamformingCases();
  const names = cases.map((c) => c.name);
  assert.equal(new Set(names).size, names.length);
  for (const required of [
    "cmatmul-64",
    "cinv-8",
    "heig-64",
    "wmmse-eig-m64",
    "wmmse-naive-m64",
    "rwmmse-m64",
    "zf-m64",
    "wmmse-sub-m160",
    "rwmmse-track-m64",
    "wmmse-m64",
  ]) {
    assert.ok(names.includes(required), `has ${required}`);
  }
  for (const c of cases) {
    // skip the heavy M x M WMMSE cases above M = 16 (they are what the bench is for)
    if (/^wmmse-(eig|naive)-m(?!16$)/.test(c.name) || c.name === "heig-160") continue;
    const fn = c.setup();
    fn();
  }
});
