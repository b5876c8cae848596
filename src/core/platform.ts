/**
 * The few things liquidwave asks of its host, reached without importing any `node:` module, so
 * that the same code runs in Node and in a browser (or a worker):
 *
 * - environment flags (`LIQUIDWAVE_WASM`, `LIQUIDWAVE_FMA`): `process.env` in Node, absent in a
 *   browser (every flag then has its default);
 * - a Node built-in module, synchronously, through `process.getBuiltinModule` (Node >= 20.16);
 *   undefined elsewhere;
 * - a one-time warning: `process.emitWarning` in Node, `console.warn` elsewhere.
 */

interface NodeLikeProcess {
  env?: Record<string, string | undefined>;
  getBuiltinModule?: (id: string) => unknown;
  emitWarning?: (message: string, options?: { code?: string }) => void;
  versions?: { node?: string };
}

function hostProcess(): NodeLikeProcess | undefined {
  const p = (globalThis as { process?: NodeLikeProcess }).process;
  return typeof p === "object" && p !== null ? p : undefined;
}

/** An environment variable of the host (undefined in a browser). */
export function envVar(name: string): string | undefined {
  return hostProcess()?.env?.[name];
}

/** True when running on Node.js. */
export function isNode(): boolean {
  return typeof hostProcess()?.versions?.node === "string";
}

/** A Node built-in module by id (e.g. `"node:v8"`), or undefined off Node or on Node < 20.16. */
export function nodeBuiltin<T>(id: string): T | undefined {
  const get = hostProcess()?.getBuiltinModule;
  if (typeof get !== "function") return undefined;
  try {
    return get(id) as T;
  } catch {
    return undefined;
  }
}

/** Warn once through the host's channel (Node: a process warning with a code). */
export function hostWarning(message: string, code: string): void {
  const p = hostProcess();
  if (typeof p?.emitWarning === "function") p.emitWarning(message, { code });
  else console.warn(`${code}: ${message}`);
}
