/** numpy-compatible random generators (legacy MT19937 RandomState; PCG64 Generator), bit-exact. */
export { MT19937, LegacyRandomState, maskFor } from "./mt19937.ts";
export { SeedSequence, entropyWords } from "./seed-sequence.ts";
export { PCG64 } from "./pcg64.ts";
export { NumpyGenerator } from "./generator.ts";
