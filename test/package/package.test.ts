/**
 * The package as a user installs it: `npm pack`, `npm install <tarball>` into a fresh project,
 * then the library contract in plain JavaScript and in strict TypeScript, the command line, the
 * tarball's contents, and the ncps golden cases through the installed public API.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { installedPackage, REPO, scratchDir, type Installed } from "./install.ts";

const here = new URL(".", import.meta.url).pathname;

function runIn(cwd: string, cmd: string, args: string[], timeoutMs = 120_000): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, {
    cwd,
    encoding: "utf8",
    timeout: timeoutMs,
    env: { ...process.env, npm_config_update_notifier: "false" },
  });
  return { code: r.status ?? -1, stdout: r.stdout ?? "", stderr: r.stderr ?? (r.error ? String(r.error) : "") };
}

function explain(r: { code: number; stdout: string; stderr: string }): string {
  return `exit ${r.code}\n--- stdout\n${r.stdout.slice(-4000)}\n--- stderr\n${r.stderr.slice(-4000)}`;
}

describe("the packed and installed package", () => {
  let pkg: Installed;
  before(() => {
    pkg = installedPackage();
  });

  test("a plain node ESM script that follows the library contract line for line runs without error", () => {
    const dir = scratchDir(pkg, "contract");
    copyFileSync(join(here, "contract.mjs"), join(dir, "contract.mjs"));
    const r = runIn(dir, process.execPath, ["contract.mjs"]);
    assert.equal(r.code, 0, explain(r));
    assert.match(r.stdout, new RegExp(`^contract: ok \\(liquidwave ${pkg.version.replaceAll(".", "\\.")}\\)$`, "m"), explain(r));
  });

  test("the TypeScript contract type-checks against the installed types with strict and nodenext, and misspelt options are errors", () => {
    const dir = scratchDir(pkg, "typescript");
    copyFileSync(join(here, "contract.ts"), join(dir, "contract.ts"));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify(
        {
          compilerOptions: {
            target: "es2022",
            module: "nodenext",
            moduleResolution: "nodenext",
            strict: true,
            noEmit: true,
            // The package's own .d.ts files are checked too (a user's default is skipLibCheck false).
            skipLibCheck: false,
            // The user's project has @types/node; this one borrows the repository's.
            typeRoots: [join(REPO, "node_modules", "@types")],
            types: ["node"],
          },
          files: ["contract.ts"],
        },
        null,
        2,
      ),
    );
    const tsc = join(REPO, "node_modules", ".bin", "tsc");
    const r = runIn(dir, tsc, ["-p", "tsconfig.json"]);
    assert.equal(r.code, 0, explain(r));
    // The check is not vacuous: without the @ts-expect-error lines the misspelt options fail.
    writeFileSync(
      join(dir, "contract.ts"),
      readFileSync(join(dir, "contract.ts"), "utf8").replaceAll("// @ts-expect-error", "// (expected error)"),
    );
    const bad = runIn(dir, tsc, ["-p", "tsconfig.json"]);
    assert.notEqual(bad.code, 0, "removing the @ts-expect-error lines should give errors");
    for (const name of ["backboneUnit", "timespan", "learningrate", "mode"])
      assert.match(bad.stdout, new RegExp(`'${name}'`), `no error names '${name}':\n${bad.stdout}`);
  });

  test("npx liquidwave --version prints package.json's version and --help lists the commands", () => {
    const expected = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")).version as string;
    assert.equal(pkg.version, expected);
    const v = runIn(pkg.project, "npx", ["--no-install", "liquidwave", "--version"]);
    assert.equal(v.code, 0, explain(v));
    assert.equal(v.stdout.trim(), expected);
    const h = runIn(pkg.project, "npx", ["--no-install", "liquidwave", "--help"]);
    assert.equal(h.code, 0, explain(h));
    assert.match(h.stdout, /^Usage: liquidwave/m);
    for (const command of ["demo", "channel", "beamform", "predict"])
      assert.match(h.stdout, new RegExp(`^  ${command}\\b`, "m"), `--help lacks ${command}`);
  });

  test("the tarball holds under 2 MB of JavaScript, the compiled entries and no sources, tests or fixtures", () => {
    const paths = pkg.files.map((f) => f.path);
    const js = pkg.files.filter((f) => /\.(m?js|cjs)$/.test(f.path)).reduce((n, f) => n + f.size, 0);
    assert.ok(js > 100_000 && js < 2_000_000, `JavaScript unpacked: ${js} bytes`);
    assert.ok(pkg.unpackedSize < 2_000_000, `unpacked: ${pkg.unpackedSize} bytes`);
    const offending = paths.filter(
      (p) => /^(src|test|tools|examples|docs)\//.test(p) || /fixtures|\.test\.|(?<!\.d)\.ts$/.test(p) || p.startsWith("dist/lab/"),
    );
    assert.deepEqual(offending, [], "files that must not ship");
    for (const p of ["LICENSE", "README.md", "CHANGELOG.md", "bin/liquidwave.mjs", "package.json"])
      assert.ok(paths.includes(p), `missing ${p}`);
    const manifest = JSON.parse(readFileSync(join(REPO, "package.json"), "utf8")) as {
      exports: Record<string, string | Record<string, string>>;
    };
    for (const [entry, target] of Object.entries(manifest.exports)) {
      for (const file of typeof target === "string" ? [target] : Object.values(target)) {
        assert.ok(paths.includes(file.replace(/^\.\//, "")), `exports["${entry}"] points to ${file}, which is not in the tarball`);
      }
    }
  });

  test("the ncps golden cases pass to 1e-9 through the installed package's public API", () => {
    const fixtures = join(REPO, "test", "fixtures", "ncps");
    const index = JSON.parse(readFileSync(join(fixtures, "index.json"), "utf8")) as { cases: { case: string; file: string }[] };
    const dir = scratchDir(pkg, "golden");
    // Documents in other formats (the index, the wiring matrices) are reported as skipped.
    writeFileSync(
      join(dir, "golden.mjs"),
      `
      import { readFileSync } from "node:fs";
      import { importNcpsModel, verifyNcpsDocument } from "liquidwave";
      const out = [];
      for (const path of process.argv.slice(2)) {
        const doc = JSON.parse(readFileSync(path, "utf8"));
        if (doc.format !== "ncps-golden/1") { out.push({ path, skipped: doc.format }); continue; }
        const model = importNcpsModel(doc);
        const r = verifyNcpsDocument(doc, { rtol: 1e-9, atol: 1e-12 });
        out.push({ path, case: r.case, pass: r.pass, runs: r.runs.length, kind: model.kind, maxAbsErr: r.maxAbsErr,
                   compared: r.runs.reduce((n, run) => n + run.outputs.count + run.states.count + run.gradients.count, 0) });
      }
      console.log(JSON.stringify(out));
    `,
    );
    const files = readdirSync(fixtures)
      .filter((f) => f.endsWith(".json"))
      .map((f) => join(fixtures, f));
    const r = runIn(dir, process.execPath, ["golden.mjs", ...files]);
    assert.equal(r.code, 0, explain(r));
    const reports = JSON.parse(r.stdout) as {
      path: string;
      skipped?: string;
      case?: string;
      pass?: boolean;
      runs?: number;
      kind?: string;
      compared?: number;
      maxAbsErr?: Record<string, number>;
    }[];
    const ran = reports.filter((x) => !x.skipped);
    assert.deepEqual(
      reports
        .filter((x) => x.skipped)
        .map((x) => x.skipped)
        .sort(),
      ["ncps-golden-index/1", "ncps-wirings-golden/1"],
    );
    assert.deepEqual(ran.map((x) => x.case).sort(), index.cases.map((c) => c.case).sort(), "every case of the index ran");
    assert.equal(ran.length, 8);
    for (const x of ran) {
      assert.equal(x.kind, "sequence", `${x.case}: importNcpsModel kind`);
      assert.ok(x.runs! >= 1 && x.compared! > 0, `${x.case}: nothing compared`);
      assert.ok(x.pass, `${x.case} fails: max abs errors ${JSON.stringify(x.maxAbsErr)}`);
      for (const [what, err] of Object.entries(x.maxAbsErr!)) assert.ok(err <= 1e-9, `${x.case}: max abs error of ${what} ${err}`);
    }
  });
});
