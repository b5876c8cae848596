import { test } from "node:test";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

/** Every source file reachable from `entry` through relative imports. */
function reachable(entry: string): string[] {
  const seen = new Set<string>();
  const stack = [entry];
  while (stack.length > 0) {
    const file = stack.pop()!;
    if (seen.has(file)) continue;
    seen.add(file);
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:import|export)\s[^;]*?from\s+"(\.[^"]+)"/g)) stack.push(resolve(dirname(file), m[1]!));
  }
  return [...seen];
}

test("experiments/ is browser-safe: no node: import, process or Buffer reachable from its index", () => {
  const files = reachable(join(import.meta.dirname, "../../src/experiments/index.ts"));
  assert.ok(files.some((f) => f.endsWith("experiments/beamform.ts")) && files.some((f) => f.endsWith("experiments/prediction.ts")));
  for (const f of files) {
    // comments may mention them; code may not
    const code = readFileSync(f, "utf8")
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/(^|[^:])\/\/.*$/gm, "$1");
    assert.doesNotMatch(code, /from\s+"node:|require\(|\bprocess\.|\bBuffer\b/, f);
  }
});
