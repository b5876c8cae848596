/**
 * Dataset I/O benchmarks on a GLNN-sized channel file: HH complex64 [8000, 2, 64] (2000 samples
 * of K = 4 users, 8 MB), written once to a temporary folder in setup.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { NdArray } from "../core/ndarray.ts";
import { readNpy, writeNpy } from "../io/npy.ts";
import { readNpz, writeNpz } from "../io/npz.ts";
import { readMat5, writeMat5 } from "../io/mat5.ts";
import type { BenchCase } from "./suite.ts";

function glnnSized(): NdArray {
  const n = 8000 * 2 * 64;
  const re = new Float32Array(n);
  const im = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    re[i] = Math.sin(i * 0.37);
    im[i] = Math.cos(i * 0.11);
  }
  return { shape: [8000, 2, 64], dtype: "complex64", data: re, imag: im };
}

const WORKLOAD = "HH complex64 [8000, 2, 64] (8 MB)";

export function ioCases(): BenchCase[] {
  const dir = (): string => mkdtempSync(join(tmpdir(), "lw-bench-io-"));
  return [
    {
      name: "io-npy-read-glnn",
      description: `readNpy of ${WORKLOAD}`,
      setup: () => {
        const p = join(dir(), "HH.npy");
        writeNpy(p, glnnSized());
        return () => void readNpy(p);
      },
    },
    {
      name: "io-npz-read-glnn-deflated",
      description: `readNpz of ${WORKLOAD}, savez_compressed style`,
      setup: () => {
        const p = join(dir(), "HH.npz");
        writeNpz(p, { HH: glnnSized() });
        return () => void readNpz(p);
      },
    },
    {
      name: "io-npz-write-glnn-deflated",
      description: `writeNpz (deflate level 6, atomic) of ${WORKLOAD}`,
      setup: () => {
        const p = join(dir(), "HH.npz");
        const a = glnnSized();
        return () => writeNpz(p, { HH: a });
      },
    },
    {
      name: "io-mat5-read-glnn-compressed",
      description: `readMat5 (-v7, column-major reorder) of ${WORKLOAD}`,
      setup: () => {
        const p = join(dir(), "HH.mat");
        writeMat5(p, { HH: glnnSized() });
        return () => void readMat5(p);
      },
    },
  ];
}
