/**
 * Property-based fuzzing (fast-check) of everything that parses untrusted bytes or text: the
 * .npy/.npz/MAT v5/HDF5/MAT v7.3 readers (mutations of valid files), the model-document loader,
 * the config loaders (study files, experiment, channel and beamform configs, `--config` files),
 * and the CLI's numeric flags. The property: success, or one typed LiquidwaveError line; never
 * another exception, a crash, a hang or an allocation above the (lowered) memory limit.
 *
 * Runs per property: 40 by default (the suite's time limit); LIQUIDWAVE_FUZZ_RUNS=N for a longer run.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { setMemoryLimit } from "../../src/core/budget.ts";
import { LiquidwaveError } from "../../src/core/errors.ts";
import { parsePythonLiteral } from "../../src/core/python-literal.ts";
import { inspectFile, readArrays } from "../../src/io/read.ts";
import { parseModelConfig } from "../../src/nn/models.ts";
import { modelFromJSON } from "../../src/nn/serialize.ts";
import { runCliInProcess } from "../cli/cli-helpers.ts";
import { readStudyFile, parseStudy } from "../../src/study/schema.ts";
import { parseConfig } from "../../src/core/validate.ts";
import { experimentOptionsSchema } from "../../src/experiments/types.ts";
import { resolveChannelConfig } from "../../src/channel/config.ts";
import { parseBeamformConfig } from "../../src/experiments/beamform.ts";
import { fx } from "./coded.ts";

const RUNS = Number(process.env["LIQUIDWAVE_FUZZ_RUNS"] ?? 40);
const tmp = mkdtempSync(join(tmpdir(), "lw-fuzz-"));
let serial = 0;

function typedOrOk(e: unknown, what: string): void {
  if (e === undefined) return;
  assert.ok(e instanceof LiquidwaveError, `${what}: not a LiquidwaveError: ${(e as Error)?.stack ?? String(e)}`);
  assert.ok(!e.message.includes("\n"), `${what}: multi-line message: ${e.message}`);
}

/** A mutation of a valid file: byte flips, overwritten 32-bit fields (sizes, dims), cuts and inserts. */
const mutation = (size: number) =>
  fc.array(
    fc.oneof(
      fc.record({ kind: fc.constant("flip" as const), at: fc.nat(size - 1), bit: fc.nat(7) }),
      fc.record({
        kind: fc.constant("u32" as const),
        at: fc.nat(Math.max(0, size - 4)),
        value: fc.constantFrom(0, 1, 0x7fffffff, 0xffffffff, 0x80000000, 1e6, 2 ** 31 - 1, 65535),
      }),
      fc.record({ kind: fc.constant("cut" as const), at: fc.nat(size) }),
      fc.record({ kind: fc.constant("insert" as const), at: fc.nat(size), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
    ),
    { minLength: 1, maxLength: 4 },
  );

function apply(bytes: Uint8Array, muts: ReturnType<typeof mutation> extends fc.Arbitrary<infer T> ? T : never): Uint8Array {
  let b = Uint8Array.from(bytes);
  for (const m of muts) {
    if (m.kind === "flip" && m.at < b.length) b[m.at]! ^= 1 << m.bit;
    else if (m.kind === "u32" && m.at + 4 <= b.length) new DataView(b.buffer).setUint32(m.at, m.value >>> 0, true);
    else if (m.kind === "cut") b = b.subarray(0, Math.min(m.at, b.length));
    else if (m.kind === "insert") {
      const at = Math.min(m.at, b.length);
      const out = new Uint8Array(b.length + m.bytes.length);
      out.set(b.subarray(0, at));
      out.set(m.bytes, at);
      out.set(b.subarray(at), at + m.bytes.length);
      b = out;
    }
  }
  return b;
}

const FILES = [
  "f8_c.npy",
  "c16_be.npy",
  "v3.npy",
  "compressed.npz",
  "plain.npz",
  "v5_compressed.mat",
  "v5_uncompressed.mat",
  "v5_arrays.mat",
];

/** Property: every mutation of `orig` inspects and reads, or fails with one typed error line. */
async function assertMutationsReadOrTypedError(name: string, orig: Uint8Array, seed: number): Promise<void> {
  await fc.assert(
    fc.asyncProperty(mutation(orig.length), async (muts) => {
      const p = join(tmp, `m${serial++}-${name}`);
      writeFileSync(p, apply(orig, muts));
      for (const f of [() => inspectFile(p), () => readArrays(p)]) {
        let err: unknown;
        try {
          await f();
        } catch (e) {
          err = e;
        }
        typedOrOk(err, name);
      }
    }),
    { numRuns: RUNS, seed },
  );
}

for (const name of FILES) {
  test(`fuzz: mutations of ${name} give the data or one typed error line (memory limit 64 MiB)`, { timeout: 120_000 }, async () => {
    const orig = new Uint8Array(readFileSync(fx(name)));
    setMemoryLimit(64 * 2 ** 20);
    try {
      await assertMutationsReadOrTypedError(name, orig, 12);
    } finally {
      setMemoryLimit(null);
    }
  });
}

test("fuzz: model documents and configs (random JSON values in every field) give a model or one typed error line", () => {
  setMemoryLimit(64 * 2 ** 20);
  try {
    const size = fc.oneof(fc.integer({ min: -2, max: 64 }), fc.constantFrom(1e9, 2 ** 31, 0.5, Number.NaN), fc.string());
    const config = fc.record(
      {
        type: fc.constantFrom("cfc", "ltc", "wired-cfc", "lstm", "gru", "mlp", "x", "__proto__"),
        inputSize: size,
        units: size,
        hiddenSize: size,
        outputSize: size,
        hidden: fc.array(size, { maxLength: 3 }),
        backboneUnits: size,
        projSize: size,
        wiring: fc.record(
          { class: fc.constantFrom("FullyConnected", "Random", "AutoNCP", "NCP"), units: size, outputSize: size },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ["type"] },
    );
    fc.assert(
      fc.property(config, fc.anything(), (cfg, params) => {
        let err: unknown;
        try {
          parseModelConfig(cfg, "fuzz");
        } catch (e) {
          err = e;
        }
        typedOrOk(err, JSON.stringify(cfg));
        err = undefined;
        try {
          modelFromJSON({ format: "liquidwave-model/1", config: cfg, parameters: params, meta: {} }, "fuzz");
        } catch (e) {
          err = e;
        }
        typedOrOk(err, JSON.stringify(cfg));
      }),
      { numRuns: RUNS * 5, seed: 7 },
    );
  } finally {
    setMemoryLimit(null);
  }
});

test("fuzz: Python literals (text) parse or fail with one typed line", () => {
  fc.assert(
    fc.property(fc.oneof(fc.string(), fc.constantFrom("{'a': [1, (2, 3)], 'b': f(x=1)}", "{'__proto__': 1}", "((((((((", "'\\")), (s) => {
      let err: unknown;
      try {
        parsePythonLiteral(s, "fuzz");
      } catch (e) {
        err = e;
      }
      typedOrOk(err, s);
    }),
    { numRuns: RUNS * 10, seed: 3 },
  );
});

test("fuzz: numeric CLI flags (any text) are a usage error (exit 2), a typed error (exit 1) or a run; never an internal error", async () => {
  const values = fc.oneof(
    fc.constantFrom("-1", "0", "1e308", "NaN", "Infinity", "1e-320", "0x10", "", " ", "99999999999999999999", "2147483648", "-0", "1.5"),
    fc.string({ maxLength: 8 }),
  );
  await fc.assert(
    fc.asyncProperty(fc.constantFrom("--units", "--outputs", "--seed", "--inputs"), values, async (flag, v) => {
      const r = await runCliInProcess(["wiring", "show", "--type", "fully-connected", "--units", "4", flag, v, "--json"]);
      assert.ok([0, 1, 2].includes(r.code), `exit ${r.code}`);
      assert.doesNotMatch(r.err, /internal error/, `${flag} '${v}': ${r.err}`);
    }),
    { numRuns: RUNS, seed: 5 },
  );
  process.exitCode = undefined;
});

// --- HDF5 / MATLAB v7.3: the HDF5 library (wasm) under mutated bytes -------------------------
for (const name of ["h5py.h5", "mat73.mat"]) {
  test(`fuzz: mutations of ${name} (HDF5) give the data or one typed error line; memory stays bounded`, { timeout: 300_000 }, async () => {
    const orig = new Uint8Array(readFileSync(fx(name)));
    await inspectFile(fx(name)); // h5wasm loaded before the memory baseline
    const rss0 = process.memoryUsage().rss;
    setMemoryLimit(64 * 2 ** 20);
    try {
      await assertMutationsReadOrTypedError(name, orig, 31);
    } finally {
      setMemoryLimit(null);
    }
    // The wasm heap grows and never shrinks; what a mutated 10 kB file may make it allocate is bounded.
    const grown = (process.memoryUsage().rss - rss0) / 2 ** 20;
    assert.ok(grown < 1024, `RSS grew by ${grown.toFixed(0)} MiB`);
  });
}

// --- config loaders -----------------------------------------------------------------------------
/** JSON-like values with the shapes configs have: numbers at the edges, strings, lists, nested records. */
const configValue = fc.letrec((tie) => ({
  leaf: fc.oneof(
    fc.constantFrom(0, -1, 1, 0.5, 1e9, 1e308, -1e308, 2 ** 53, Number.NaN, Number.POSITIVE_INFINITY, "", "x", "__proto__", null, true),
    fc.integer(),
    fc.double(),
    fc.string({ maxLength: 6 }),
  ),
  node: fc.oneof(
    { depthSize: "small" },
    tie("leaf"),
    fc.array(tie("node"), { maxLength: 4 }),
    fc.dictionary(fc.string({ maxLength: 6 }), tie("node"), { maxKeys: 4 }),
  ),
})).node;

/** A record over a config's real keys (plus strangers), each with any value. */
const configOf = (keys: readonly string[]) =>
  fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.constantFrom("__proto__", "constructor", "bogus")), configValue, { maxKeys: 6 });

function typedOrOkCall(f: () => unknown, what: string): void {
  let err: unknown;
  try {
    f();
  } catch (e) {
    err = e;
  }
  typedOrOk(err, what);
}

test("fuzz: study documents, experiment, channel and beamform configs (any values in real keys) parse or fail with one typed line", () => {
  setMemoryLimit(64 * 2 ** 20);
  try {
    const study = fc.record(
      {
        name: configValue,
        task: fc.oneof(fc.constantFrom("predict", "beamform", "experiment"), configValue),
        experiment: configValue,
        base: configOf(["channel", "models", "epochs", "seed", "snrDb", "users"]),
        grid: fc.oneof(configOf(["seed", "snrDb", "channel.users", "epochs"]), configValue),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(study, (doc) => typedOrOkCall(() => parseStudy(doc, "study"), JSON.stringify(doc))),
      { numRuns: RUNS * 5, seed: 41 },
    );
    const experimentKeys = Object.keys(experimentOptionsSchema.shape);
    fc.assert(
      fc.property(configOf(experimentKeys), (doc) =>
        typedOrOkCall(() => parseConfig("experiment", experimentOptionsSchema, doc), JSON.stringify(doc)),
      ),
      { numRuns: RUNS * 5, seed: 42 },
    );
    fc.assert(
      fc.property(configOf(["preset", "users", "samples", "speed", "dt", "seed", "normalise", "cee", "subcarriers", "antennas"]), (doc) =>
        typedOrOkCall(() => resolveChannelConfig(doc as never, "fuzz"), JSON.stringify(doc)),
      ),
      { numRuns: RUNS * 5, seed: 43 },
    );
    fc.assert(
      fc.property(configOf(["preset", "algorithms", "samples", "powerDbm", "ceeDb", "seed", "users", "antennas"]), (doc) =>
        typedOrOkCall(() => parseBeamformConfig(doc), JSON.stringify(doc)),
      ),
      { numRuns: RUNS * 5, seed: 44 },
    );
  } finally {
    setMemoryLimit(null);
  }
});

test("fuzz: study files and --config files as mutated YAML/JSON text are read or refused with one typed line", async () => {
  const yaml = readFileSync(new URL("../../studies/predict-snr.yaml", import.meta.url), "utf8");
  const text = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.tuple(fc.nat(yaml.length), fc.nat(yaml.length), fc.string({ maxLength: 8 })).map(([a, b, ins]) => {
      const [i, j] = a <= b ? [a, b] : [b, a];
      return yaml.slice(0, i) + ins + yaml.slice(j);
    }),
    fc.constantFrom("a: &a [*a]", "{", "[1, 2", "base: !!js/function 'f'", "grid: {seed: [1, 1]}", "\u0000", "__proto__: {x: 1}"),
  );
  await fc.assert(
    fc.asyncProperty(text, fc.boolean(), async (t, asJson) => {
      const p = join(tmp, `c${serial++}.${asJson ? "json" : "yaml"}`);
      writeFileSync(p, t);
      typedOrOkCall(() => readStudyFile(p), t);
      // The same text as a command's --config file: a run, a typed error (1) or a usage error (2).
      const r = await runCliInProcess(["wiring", "show", "--type", "fully-connected", "--units", "4", "--config", p, "--json"]);
      assert.ok([0, 1, 2].includes(r.code), `exit ${r.code}`);
      assert.doesNotMatch(r.err, /internal error/, `${t}: ${r.err}`);
      assert.ok(r.err.split("\n").filter((l) => l.startsWith("liquidwave:")).length <= 1, r.err);
    }),
    { numRuns: RUNS, seed: 45 },
  );
  process.exitCode = undefined;
});
