/** Run the CLI as a user would (a child process), capturing stdout, stderr and the exit code. */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";

const bin = fileURLToPath(new URL("../../bin/liquidwave.mjs", import.meta.url));

export function runCli(args: string[], { timeoutMs = 120000 } = {}): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: timeoutMs });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
