#!/usr/bin/env node
// Entry point of the `liquidwave` CLI. An installed package runs the compiled JavaScript in
// dist/; a checkout of the repository (which has src/ and tsx among its dev dependencies) runs
// the TypeScript sources, so that `npm start` and the tests never see a stale build.
import { existsSync } from "node:fs";

// A closed pipe (e.g. `liquidwave bench --list | head`) ends the output quietly.
// Any other write error (a full device, ENOSPC, EIO) is one line on stderr and exit 1.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  process.stderr.write(`liquidwave: cannot write the output to stdout: ${e.code ?? e.message}\n`);
  process.exit(1);
});
const sources = new URL("../src/cli/main.ts", import.meta.url);
let main;
if (existsSync(sources)) {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import(sources.href));
} else {
  ({ main } = await import("../dist/cli/main.js"));
}
process.exitCode = await main(process.argv.slice(2));
