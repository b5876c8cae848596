/**
 * The machine a timing was measured on: runtime, CPU count and model, and the load averages at the
 * time (Node only; null fields in a browser). Timings on a shared machine are only comparable
 * within one run, and the load says how shared it was.
 */
import { nodeBuiltin } from "../core/platform.ts";

/** Host facts recorded beside timings. */
export interface MachineInfo {
  /** e.g. `node 20.20.2`, or `browser`. */
  readonly runtime: string;
  readonly cpus: number | null;
  readonly cpuModel: string | null;
  /** 1, 5 and 15 minute load averages (Unix), or null. */
  readonly loadavg: readonly number[] | null;
}

interface OsLike {
  cpus(): { model: string }[];
  loadavg(): number[];
}

/** The current host's facts (see {@link MachineInfo}). */
export function machineInfo(): MachineInfo {
  const os = nodeBuiltin<OsLike>("node:os");
  const node = (globalThis as { process?: { versions?: { node?: string } } }).process?.versions?.node;
  if (!os) return { runtime: node ? `node ${node}` : "browser", cpus: null, cpuModel: null, loadavg: null };
  const cpus = os.cpus();
  return {
    runtime: `node ${node}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model ?? null,
    loadavg: os.loadavg().map((x) => Math.round(x * 100) / 100),
  };
}
