#!/usr/bin/env node
// Entry point of the `liquidwave` CLI: TypeScript sources run through tsx's loader.
import { register } from "tsx/esm/api";

register();
// A closed pipe (e.g. `liquidwave bench --list | head`) ends the output quietly.
process.stdout.on("error", (e) => {
  if (e.code === "EPIPE") process.exit(0);
  throw e;
});
const { main } = await import("../src/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
