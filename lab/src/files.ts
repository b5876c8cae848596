/**
 * Channel files in the browser: every format `liquidwave data inspect` reads (.npy, .npz, MATLAB
 * v5 compressed or not, MATLAB v7.3, HDF5), through the library's own readers on the dropped
 * bytes (`readBytes`; HDF5 through h5wasm's in-memory file system), then the same layout step as
 * `loadChannelDataset` when the variables are a channel dataset.
 */
import type { NdArray } from "../../src/core/ndarray.ts";
import { formatShape } from "../../src/core/errors.ts";
import { channelDatasetFromArrays } from "../../src/io/load.ts";
import { readBytes } from "../../src/io/read.ts";
import type { DataReport, VariableStats } from "./protocol.ts";

/** RMS and largest magnitude of an array's elements (complex: |re + j im|). */
function statsOf(a: NdArray): { rms: number; maxAbs: number } {
  const n = a.data.length;
  let p = 0;
  let m = 0;
  for (let i = 0; i < n; i++) {
    const re = Number(a.data[i]!);
    const im = a.imag ? Number(a.imag[i]!) : 0;
    const q = re * re + im * im;
    p += q;
    if (q > m) m = q;
  }
  return { rms: n === 0 ? 0 : Math.sqrt(p / n), maxAbs: Math.sqrt(m) };
}

/**
 * Read a dropped file: its variables as `liquidwave data inspect` lists them, RMS and peak of each
 * readable one, and, when the variables form a channel dataset (liquidwave, GLNN or DeepMIMO
 * layout), its shape [T, K, Nk, M], mean and peak |h|² (dB) and |h|² of user 1, antenna 1 over time.
 * @throws LiquidwaveError for an unknown format or a malformed file
 */
export async function readChannelBytes(name: string, bytes: Uint8Array): Promise<DataReport> {
  const r = await readBytes(bytes, name);
  const variables: VariableStats[] = r.variables.map((v) => {
    const a = r.arrays.get(v.name);
    return {
      name: v.name,
      shape: [...v.shape],
      dtype: v.dtype,
      readable: v.readable,
      ...(v.note !== undefined ? { note: v.note } : {}),
      ...(a ? statsOf(a) : {}),
    };
  });
  const lines: [string, string][] = [
    ["format", r.format],
    ["variables", String(variables.length)],
  ];
  let layoutNote: string | undefined;
  let ds: ReturnType<typeof channelDatasetFromArrays> | undefined;
  try {
    ds = channelDatasetFromArrays(r.arrays, name);
  } catch (e) {
    layoutNote = (e as Error).message;
  }
  if (!ds) {
    lines.push(["channel dataset", `none: ${layoutNote}`]);
    return { kind: "arrays", name, format: r.format, variables, lines };
  }
  const [T, K, Nk, M] = ds.H.shape as [number, number, number, number];
  let p = 0;
  let peak = 0;
  for (let i = 0; i < ds.H.re.length; i++) {
    const q = ds.H.re[i]! ** 2 + ds.H.im[i]! ** 2;
    p += q;
    if (q > peak) peak = q;
  }
  const magnitudeDb = Array.from({ length: T }, (_, t) => {
    const i = t * K * Nk * M;
    return 10 * Math.log10(ds.H.re[i]! ** 2 + ds.H.im[i]! ** 2);
  });
  const dt = ds.meta.dt ?? (ds.t && ds.t.length > 1 ? ds.t[1]! - ds.t[0]! : undefined);
  const meanPowerDb = 10 * Math.log10(p / ds.H.re.length);
  const peakPowerDb = 10 * Math.log10(peak);
  lines.push(
    ["layout", ds.meta.layout],
    ["H shape [T, K, Nk, M]", formatShape([T, K, Nk, M])],
    ["sample interval", dt === undefined ? "not recorded" : `${dt * 1e3} ms`],
    ["mean |h|²", `${meanPowerDb.toFixed(2)} dB`],
    ["peak |h|²", `${peakPowerDb.toFixed(2)} dB`],
    ["estimate H_est", ds.Hest ? "yes" : "no"],
    ["positions", ds.positions ? "yes" : "no"],
  );
  return {
    kind: "channel",
    name,
    format: r.format,
    variables,
    lines,
    channel: { shape: [T, K, Nk, M], layout: ds.meta.layout, meanPowerDb, peakPowerDb, dtMs: dt === undefined ? null : dt * 1e3 },
    series: { t: Array.from({ length: T }, (_, t) => t), magnitudeDb },
  };
}
