import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { LegacyRandomState, MT19937, maskFor } from "../../src/wirings/numpy-random/mt19937.ts";
import { NumpyGenerator } from "../../src/wirings/numpy-random/generator.ts";
import { PCG64 } from "../../src/wirings/numpy-random/pcg64.ts";
import { SeedSequence, entropyWords } from "../../src/wirings/numpy-random/seed-sequence.ts";
import { loadFixture } from "./fixtures.ts";

const streams = (loadFixture("ncps/wirings.json") as { rng_streams: Record<string, unknown[]> }).rng_streams;

interface Oracle {
  generator_choice_without_replacement: { seed: number; pop: number; k: number; indices: number[]; next_integers_1000: number }[];
  generator_integers: { seed: number; high: number; values: number[] }[];
  legacy: { randint: { seed: number; high: number; randint: number[] }[]; permutation_seed_99_n_1000: number[] };
  raw: { seed: number; uint64: string[]; seedsequence_8_uint32: number[] }[];
}
const oracle = loadFixture("numpy/oracle.json") as Oracle;

describe("MT19937 and the legacy RandomState", () => {
  it("reproduces the reference genrand_int32 output for the classic seed 5489", () => {
    // First output of init_genrand(5489), the reference implementation's default seed.
    assert.equal(new MT19937(5489).next32(), 3499211612);
  });

  it("matches numpy's RandomState(22222) raw stream from the ncps golden file", () => {
    const g = new MT19937(22222);
    const want = streams["mt19937_legacy_seed_22222_first_16_uint32"]!;
    assert.deepEqual(
      Array.from({ length: want.length }, () => g.next32()),
      want,
    );
  });

  it("matches numpy's legacy permutation(10) for seed 22222 and permutation(1000) for seed 99", () => {
    assert.deepEqual(new LegacyRandomState(22222).permutation(10), streams["randomstate_22222_permutation_10"]);
    assert.deepEqual(new LegacyRandomState(99).permutation(1000), oracle.legacy.permutation_seed_99_n_1000);
  });

  it("matches numpy's legacy randint, including the full 32-bit range and the extreme seeds", () => {
    for (const c of oracle.legacy.randint) {
      const rs = new LegacyRandomState(c.seed);
      assert.deepEqual(
        Array.from({ length: c.randint.length }, () => rs.randint(c.high)),
        c.randint,
        `seed ${c.seed} high ${c.high}`,
      );
    }
  });

  it("does not consume the generator for a bounded draw in [0, 0]", () => {
    const a = new LegacyRandomState(7);
    const b = new LegacyRandomState(7);
    assert.equal(a.bounded(0), 0);
    assert.equal(a.next32(), b.next32());
  });

  it("computes masks as the smallest 2^k - 1 covering the bound", () => {
    assert.deepEqual([0, 1, 2, 3, 4, 255, 256, 0xffffffff].map(maskFor), [0, 1, 3, 3, 7, 255, 511, 0xffffffff]);
  });

  it("rejects seeds outside [0, 2^32 - 1] and oversampling without replacement", () => {
    assert.throws(() => new MT19937(-1), /seed must be an integer in \[0, 2\^32 - 1\], got -1/);
    assert.throws(() => new MT19937(2 ** 32), /got 4294967296/);
    assert.throws(() => new LegacyRandomState(1).choiceWithoutReplacement([1, 2], 3), /larger sample \(3\) than the population \(2\)/);
  });
});

describe("SeedSequence and PCG64", () => {
  it("splits seeds into little-endian 32-bit words like numpy", () => {
    assert.deepEqual(entropyWords(0), [0]);
    assert.deepEqual(entropyWords(2 ** 32 + 5), [5, 1]);
    assert.deepEqual(entropyWords(2n ** 64n), [0, 0, 1]);
    assert.throws(() => entropyWords(-3), /non-negative integer/);
    assert.throws(() => entropyWords(1.5), /non-negative integer/);
  });

  it("matches SeedSequence(1111).generate_state(8) from the golden file", () => {
    assert.deepEqual(Array.from(new SeedSequence(1111).generateState(8)), streams["seedsequence_1111_generate_state_8_uint32"]);
  });

  it("matches PCG64(1111) raw 64-bit outputs from the golden file", () => {
    const g = PCG64.fromSeed(1111);
    const want = streams["pcg64_seedsequence_1111_first_8_uint64_as_decimal_strings"]!;
    assert.deepEqual(
      Array.from({ length: want.length }, () => g.next64().toString()),
      want,
    );
  });

  it("matches numpy for seeds 0, 1 and multi-word seeds up to 2^53 - 1", () => {
    for (const c of oracle.raw) {
      assert.deepEqual(Array.from(new SeedSequence(c.seed).generateState(8)), c.seedsequence_8_uint32, `SeedSequence(${c.seed})`);
      const g = PCG64.fromSeed(c.seed);
      assert.deepEqual(
        Array.from({ length: c.uint64.length }, () => g.next64().toString()),
        c.uint64,
        `PCG64(${c.seed})`,
      );
    }
  });

  it("serves 32-bit draws as the low then the buffered high half of one 64-bit output", () => {
    const a = PCG64.fromSeed(42);
    const b = PCG64.fromSeed(42);
    for (let i = 0; i < 5; i++) {
      const x = b.next64();
      assert.equal(a.next32(), Number(x & 0xffffffffn));
      assert.equal(a.next32(), Number(x >> 32n));
    }
  });
});

describe("numpy Generator operations", () => {
  it("matches default_rng(1111).choice([-1, 1, 1]) from the golden file", () => {
    const g = new NumpyGenerator(1111);
    const want = streams["generator_1111_choice_m1_p1_p1_first_32"]!;
    assert.deepEqual(
      Array.from({ length: want.length }, () => g.choice([-1, 1, 1])),
      want,
    );
  });

  it("matches numpy's integers(0, high) for large and small ranges (Lemire rejection path)", () => {
    for (const c of oracle.generator_integers) {
      const g = new NumpyGenerator(c.seed);
      assert.deepEqual(
        Array.from({ length: c.values.length }, () => g.integers(c.high)),
        c.values,
        `seed ${c.seed} high ${c.high}`,
      );
    }
  });

  it("computes Lemire products exactly (checked against BigInt arithmetic)", () => {
    // bounded() splits next32 * (max + 1) into 32-bit halves without BigInt; replay the same
    // stream with BigInt products and the textbook rejection rule.
    const maxes = [2, 6, 1000, 2 ** 31 + 1, 2 ** 32 - 2, 3_000_000_000];
    for (const max of maxes) {
      const g = new NumpyGenerator(77);
      const raw = PCG64.fromSeed(77);
      const r = BigInt(max) + 1n;
      for (let i = 0; i < 200; i++) {
        let m = BigInt(raw.next32()) * r;
        if ((m & 0xffffffffn) < r) {
          const t = (2n ** 32n - 1n - BigInt(max)) % r;
          while ((m & 0xffffffffn) < t) m = BigInt(raw.next32()) * r;
        }
        assert.equal(g.bounded(max), Number(m >> 32n), `max ${max} draw ${i}`);
      }
    }
  });

  it("matches numpy's choice(pop, k, replace=False) on both the Floyd and the tail-shuffle branches", () => {
    for (const c of oracle.generator_choice_without_replacement) {
      const g = new NumpyGenerator(c.seed);
      assert.deepEqual(g.choiceIndicesWithoutReplacement(c.pop, c.k), c.indices, `seed ${c.seed} pop ${c.pop} k ${c.k}`);
      // The generator must also end in the same position.
      assert.equal(g.integers(1000), c.next_integers_1000, `position after seed ${c.seed} pop ${c.pop} k ${c.k}`);
    }
  });

  it("draws polarities with P(excitatory) = 2/3 (200000 draws, 5 sigma tolerance)", () => {
    const g = new NumpyGenerator(2024);
    const n = 200000;
    let plus = 0;
    for (let i = 0; i < n; i++) if (g.choice([-1, 1, 1]) === 1) plus++;
    const sigma = Math.sqrt(n * (2 / 3) * (1 / 3));
    assert.ok(Math.abs(plus - (2 * n) / 3) < 5 * sigma, `${plus} excitatory of ${n}`);
  });

  it("rejects bad sizes with one-line errors", () => {
    const g = new NumpyGenerator(1);
    assert.throws(() => g.choiceIndicesWithoutReplacement(3, 4), /larger sample \(4\) than the population \(3\)/);
    assert.throws(() => g.integers(0), /high must be a positive integer, got 0/);
    assert.throws(() => g.choice([]), /empty list/);
  });
});
