/**
 * Channel files in the browser: `.npy` and `.npz` (zip of .npy members, stored or deflated;
 * inflated with the browser's DecompressionStream) parsed by the library's npy reader and turned
 * into a ChannelDataset by the same layout code as `loadChannelDataset` (the liquidwave layout:
 * H [T, K, Nk, M] complex, optional dt/t/positions).
 */
import type { NdArray } from "../../src/core/ndarray.ts";
import { fromLiquidwaveArrays } from "../../src/io/dataset.ts";
import { parseNpy } from "../../src/io/npy.ts";
import type { DataReport } from "./protocol.ts";

const u16 = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u32 = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;

async function inflateRaw(data: Uint8Array, size: number): Promise<Uint8Array> {
  const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  const out = new Uint8Array(await new Response(stream).arrayBuffer());
  if (out.length !== size) throw new Error(`zip member inflated to ${out.length} bytes, the directory says ${size}`);
  return out;
}

/** The members of a zip archive (central directory; no zip64, no encryption). */
async function unzip(b: Uint8Array): Promise<Map<string, Uint8Array>> {
  let eocd = -1;
  for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 65535); i--)
    if (u32(b, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  if (eocd < 0) throw new Error("not a zip archive (no end-of-central-directory record)");
  const count = u16(b, eocd + 10);
  let p = u32(b, eocd + 16);
  const out = new Map<string, Uint8Array>();
  for (let n = 0; n < count; n++) {
    if (u32(b, p) !== 0x02014b50) throw new Error("corrupt zip central directory");
    const method = u16(b, p + 10);
    const csize = u32(b, p + 20);
    const usize = u32(b, p + 24);
    const nameLen = u16(b, p + 28);
    const extraLen = u16(b, p + 30);
    const commentLen = u16(b, p + 32);
    const local = u32(b, p + 42);
    const name = new TextDecoder().decode(b.subarray(p + 46, p + 46 + nameLen));
    if (csize === 0xffffffff || local === 0xffffffff) throw new Error(`${name}: zip64 members are not supported in the browser`);
    const start = local + 30 + u16(b, local + 26) + u16(b, local + 28);
    const data = b.subarray(start, start + csize);
    if (method === 0) out.set(name, data);
    else if (method === 8) out.set(name, await inflateRaw(data, usize));
    else throw new Error(`${name}: zip compression method ${method} is not supported`);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

export async function readChannelBytes(name: string, bytes: Uint8Array): Promise<DataReport> {
  const vars = new Map<string, NdArray>();
  if (/\.npz$/i.test(name) || (bytes[0] === 0x50 && bytes[1] === 0x4b)) {
    for (const [member, data] of await unzip(bytes))
      if (member.endsWith(".npy")) vars.set(member.slice(0, -4), parseNpy(data, `${name}:${member}`));
  } else if (/\.npy$/i.test(name) || bytes[0] === 0x93) {
    vars.set("H", parseNpy(bytes, name));
  } else {
    throw new Error(
      `${name}: the browser reads .npz and .npy channel files and ncps .json exports (for .mat and .h5 use the CLI: liquidwave data inspect)`,
    );
  }
  const ds = fromLiquidwaveArrays(vars, name);
  const [T, K, Nk, M] = ds.H.shape as [number, number, number, number];
  let p = 0;
  for (let i = 0; i < ds.H.re.length; i++) p += ds.H.re[i]! ** 2 + ds.H.im[i]! ** 2;
  const magnitudeDb = Array.from({ length: T }, (_, t) => {
    const i = t * K * Nk * M;
    return 10 * Math.log10(ds.H.re[i]! ** 2 + ds.H.im[i]! ** 2);
  });
  const dt = ds.meta.dt ?? (ds.t && ds.t.length > 1 ? ds.t[1]! - ds.t[0]! : undefined);
  return {
    kind: "channel",
    name,
    lines: [
      ["arrays", [...vars.entries()].map(([k, v]) => `${k} [${v.shape.join(", ")}] ${v.dtype}`).join("; ")],
      ["H shape [T, K, Nk, M]", `[${T}, ${K}, ${Nk}, ${M}]`],
      ["samples T", String(T)],
      ["users K", String(K)],
      ["user antennas Nk", String(Nk)],
      ["BS antennas M", String(M)],
      ["sample interval", dt === undefined ? "not recorded" : `${dt * 1e3} ms`],
      ["mean |h|²", `${(10 * Math.log10(p / ds.H.re.length)).toFixed(2)} dB`],
      ["estimate H_est", ds.Hest ? "yes" : "no"],
      ["positions", ds.positions ? "yes" : "no"],
    ],
    series: { t: Array.from({ length: T }, (_, t) => t), magnitudeDb },
  };
}
