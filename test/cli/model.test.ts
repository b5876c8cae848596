import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runCli } from "./cli-helpers.ts";

const fixture = (f: string) => fileURLToPath(new URL(`../fixtures/ncps/${f}`, import.meta.url));

test("model verify --json prints one document and exits 0 on a matching ncps export", () => {
  const r = runCli(["model", "verify", fixture("ltc_autoncp16_out2.json"), "--json"]);
  assert.equal(r.code, 0, r.stderr);
  const doc = JSON.parse(r.stdout);
  assert.equal(doc.case, "ltc_autoncp16_out2");
  assert.equal(doc.pass, true);
  assert.equal(typeof doc.wiringsMatch, "boolean");
  for (const k of ["outputs", "states", "gradients"]) assert.ok(doc.maxAbsErr[k] < 1e-12, k);
});

test("model verify exits 1 when an export does not match (a perturbed reference output)", () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-verify-"));
  const doc = JSON.parse(readFileSync(fixture("cfc_pure_u8.json"), "utf8"));
  const run = doc.runs[0];
  const out = typeof run.output === "string" ? run.output.replace(/\[([-\d.e]+),/, (_m: string, v: string) => `[${Number(v) + 1e-6},`) : run.output;
  if (typeof run.output === "string") run.output = out;
  else run.output.data[0] += 1e-6;
  const p = join(dir, "bad.json");
  writeFileSync(p, JSON.stringify(doc));
  const r = runCli(["model", "verify", p, "--json"]);
  assert.equal(r.code, 1);
  assert.equal(JSON.parse(r.stdout).pass, false);
});

test("model verify: a missing file or an unknown format is one error line and exit 1", () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-verify-"));
  let r = runCli(["model", "verify", join(dir, "nope.json")]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /^liquidwave: model verify: cannot read .*nope.json \(ENOENT\)\n$/);
  const p = join(dir, "x.json");
  writeFileSync(p, JSON.stringify({ format: "something/1" }));
  r = runCli(["model", "verify", p]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unsupported format "something\/1"/);
  r = runCli(["model", "verify", p, "--bogus"]);
  assert.equal(r.code, 2);
});

test("model import-ncps writes a native model that loads back with the same parameters", () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-import-"));
  const out = join(dir, "m.json");
  const r = runCli(["model", "import-ncps", fixture("cfc_default_autoncp16_out2.json"), "--out", out, "--json"]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).parameters, 832);
  const info = runCli(["model", "info", out, "--json"]);
  assert.equal(JSON.parse(info.stdout).trainableParameters, 832);
});
