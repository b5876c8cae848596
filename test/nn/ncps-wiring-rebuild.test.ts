import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { verifyModelWiring } from "../../src/wirings/golden.ts";

for (const set of ["ncps", "ncps-extra"]) {
  const dir = new URL(`../fixtures/${set}/`, import.meta.url);
  const index = JSON.parse(readFileSync(new URL("index.json", dir), "utf8")) as { cases: { case: string; file: string }[] };
  test(`every ${set} model's wiring is rebuilt from its class, arguments and seed, matrix for matrix`, () => {
    let wired = 0;
    for (const { case: name, file } of index.cases) {
      const r = verifyModelWiring(JSON.parse(readFileSync(new URL(file, dir), "utf8")));
      assert.ok(r.pass, `${name}: ${r.mismatches.join("; ")}`);
      if (r.present) wired++;
    }
    assert.ok(wired > 0);
  });
}
