/**
 * Issue 12: SIGINT/SIGTERM during an output write remove the temporary file, and the process ends
 * by that signal; no handler stays installed after the write (synchronous work keeps Ctrl-C's
 * immediate default action). Two real child processes, each signalled in the middle of a write.
 */
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomicAsync } from "../../src/core/fs.ts";

const fsModule = fileURLToPath(new URL("../../src/core/fs.ts", import.meta.url));

/**
 * The child: writes 32 MiB to `big.bin` with writeFileAtomicAsync; once its temporary file exists
 * it either signals itself (LW_SELF=1) or prints "tmp" and blocks the event loop for 3 s (a
 * synchronous phase while the write is in flight) so that the parent's signal waits for it.
 */
const CHILD = `
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomicAsync } from ${JSON.stringify(fsModule)};
const dir = process.env.LW_DIR;
const poll = () => {
  if (readdirSync(dir).some((n) => n.endsWith(".tmp"))) {
    if (process.env.LW_SELF === "1") process.kill(process.pid, process.env.LW_SIGNAL);
    else {
      process.stdout.write("tmp\\n");
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 3000);
    }
    return;
  }
  setImmediate(poll);
};
setImmediate(poll);
await writeFileAtomicAsync(join(dir, "big.bin"), Array.from({ length: 32 }, () => new Uint8Array(1 << 20).fill(7)));
process.stdout.write("finished\\n");
`;

function runChild(
  signal: NodeJS.Signals,
  self: boolean,
): Promise<{ dir: string; signal: NodeJS.Signals | null; code: number | null; out: string; err: string }> {
  const dir = mkdtempSync(join(tmpdir(), "lw-signal-"));
  writeFileSync(join(dir, "big.bin"), "old");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", CHILD], {
      env: { ...process.env, LW_DIR: dir, LW_SIGNAL: signal, LW_SELF: self ? "1" : "0" },
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (b: Buffer) => {
      out += b.toString();
      if (!self && out.includes("tmp\n")) child.kill(signal);
    });
    child.stderr.on("data", (b: Buffer) => (err += b.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.on("error", reject);
    child.on("exit", (code, sig) => {
      clearTimeout(timer);
      resolve({ dir, signal: sig, code, out, err });
    });
  });
}

test("SIGINT and SIGTERM in the middle of a write remove the temporary file; the process ends by the signal; the old file stays", {
  timeout: 120_000,
}, async () => {
  for (const [signal, self] of [
    ["SIGINT", true],
    ["SIGTERM", false],
  ] as const) {
    const r = await runChild(signal, self);
    assert.equal(r.signal, signal, `${signal}: exit ${r.code}, stdout ${r.out}, stderr ${r.err}`);
    assert.doesNotMatch(r.out, /finished/);
    assert.deepEqual(readdirSync(r.dir), ["big.bin"], `${signal}: files left`);
    assert.equal(readFileSync(join(r.dir, "big.bin"), "utf8"), "old");
  }
});

test("after a write no signal handler stays installed; with another listener the write stops with one line and no temporary file", async () => {
  const dir = mkdtempSync(join(tmpdir(), "lw-signal-"));
  const before = ["SIGINT", "SIGTERM", "SIGHUP"].map((s) => process.listenerCount(s));
  await writeFileAtomicAsync(join(dir, "a.bin"), new Uint8Array(1000));
  assert.deepEqual(
    ["SIGINT", "SIGTERM", "SIGHUP"].map((s) => process.listenerCount(s)),
    before,
  );
  // A program with its own SIGINT listener (e.g. `study serve`): the write is cancelled, the
  // signal is left to that listener, and the process lives on.
  let heard = 0;
  const mine = () => heard++;
  process.on("SIGINT", mine);
  try {
    const writing = writeFileAtomicAsync(
      join(dir, "b.bin"),
      Array.from({ length: 16 }, () => new Uint8Array(1 << 20)),
    );
    process.kill(process.pid, "SIGINT");
    await assert.rejects(
      writing,
      /^LiquidwaveError: writeFileAtomic: interrupted by SIGINT while writing '.*b\.bin'; the previous file, if any, is unchanged$/,
    );
    assert.equal(heard, 1);
    assert.deepEqual(readdirSync(dir), ["a.bin"]);
  } finally {
    process.off("SIGINT", mine);
  }
});
