/**
 * The installed package in a browser: esbuild bundles a page that imports `liquidwave`,
 * `liquidwave/channel`, `liquidwave/beamforming` and `liquidwave/prediction` from the tarball
 * installed by ./install.ts; a node:http server on 127.0.0.1 serves it cross-origin isolated
 * (COOP/COEP: shared WebAssembly memory needs it), and Debian's headless Chromium runs it through
 * playwright-core (no browser download). The page's numbers must equal Node's (same code, same
 * inputs) to 1e-12, and the WebAssembly kernels must have run in the page.
 *
 * Without /usr/bin/chromium the test is skipped, except in CI (CI=true), where it fails.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, readFileSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { extname, join, normalize } from "node:path";
import { after, before, describe, test } from "node:test";
import { installedPackage, REPO, scratchDir, type Installed } from "./install.ts";

const CHROMIUM = "/usr/bin/chromium";
const here = new URL(".", import.meta.url).pathname;
const inCi = process.env["CI"] === "true" || process.env["CI"] === "1";
const skip = !existsSync(CHROMIUM) && !inCi ? `${CHROMIUM} is missing (apt-get install chromium); skipped outside CI` : false;

const CASES = { cfc: "cfc_default_autoncp16_out2.json", ltc: "ltc_fc8_out2.json" } as const;

interface RunOut {
  name: string;
  output: number[];
  finalState: number[];
  reference: number[];
}
interface Result {
  ncps: Record<string, RunOut[]>;
  clarke: { shape: number[]; re: number[]; im: number[] };
  beamforming: { name: string; seMean: number; maxPower: number; equalPower: boolean }[];
  holdNmseDb: number;
}
interface PageResult extends Result {
  kernelCalls: { gemm: number; elementwise: number; cfc: number; ltc: number };
  crossOriginIsolated: boolean;
}

/** Largest |a - b| over two equally long arrays (NaN-safe: a NaN anywhere gives Infinity). */
function maxDiff(a: readonly number[], b: readonly number[], what: string): number {
  assert.equal(a.length, b.length, `${what}: ${a.length} vs ${b.length} values`);
  assert.ok(a.length > 0, `${what}: nothing to compare`);
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    m = d <= m ? m : Number.isNaN(d) ? Infinity : d;
  }
  return m;
}

const TYPES: Record<string, string> = { ".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8" };

describe("the installed package in headless Chromium", { skip }, () => {
  let pkg: Installed;
  let dir: string;
  let server: Server;
  let origin: string;
  const requests: string[] = [];
  const notFound: string[] = [];

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`browser test: ${CHROMIUM} is missing and CI is set; install Debian's chromium package (.ci/run does)`);
    pkg = installedPackage();
    dir = scratchDir(pkg, "browser");
    for (const f of ["compute.mjs", "page.mjs"]) copyFileSync(join(here, "browser", f), join(dir, f));
    for (const [name, file] of Object.entries(CASES)) copyFileSync(join(REPO, "test", "fixtures", "ncps", file), join(dir, `${name}.json`));
    writeFileSync(
      join(dir, "index.html"),
      '<!doctype html><meta charset="utf-8"><link rel="icon" href="data:,"><title>liquidwave</title><p id="status">loading</p><script type="module" src="page.js"></script>\n',
    );

    const esbuild = await import("esbuild");
    const alloc = join(pkg.project, "node_modules", "liquidwave", "dist", "core", "wasm", "alloc.js");
    assert.ok(existsSync(alloc), `the kernel counter's module moved: ${alloc}`);
    const built = await esbuild.build({
      absWorkingDir: dir,
      entryPoints: ["page.mjs"],
      outfile: join(dir, "page.js"),
      bundle: true,
      format: "esm",
      platform: "browser",
      target: "es2022",
      metafile: true,
      logLevel: "silent",
      plugins: [{ name: "probe", setup: (b) => b.onResolve({ filter: /^liquidwave-internal-alloc$/ }, () => ({ path: alloc })) }],
    });
    const inputs = Object.keys(built.metafile.inputs);
    // Resolution for the browser reached no Node built-in (it would not resolve), and the package
    // code in the bundle is the installed tarball's, not the repository's sources.
    assert.deepEqual(
      inputs.filter((p) => p.startsWith("node:") || /(^|\/)src\/.*\.ts$/.test(p)),
      [],
    );
    assert.ok(
      inputs.some((p) => p.includes("node_modules/liquidwave/dist/channel/")),
      "liquidwave/channel is in the bundle",
    );

    server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? "/", "http://x").pathname);
      requests.push(path);
      const file = normalize(join(dir, path === "/" ? "index.html" : path));
      const type = TYPES[extname(file)];
      if (!file.startsWith(dir) || !type || !existsSync(file)) {
        notFound.push(path);
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, {
        "Content-Type": type,
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cross-Origin-Embedder-Policy": "require-corp",
        "Cache-Control": "no-store",
      });
      res.end(readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  });

  test("the page's ncps golden outputs, Clarke channel, beamforming and prediction numbers equal Node's to 1e-12, with the WebAssembly kernels", async () => {
    const { chromium } = await import("playwright-core");
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
    });
    const pageErrors: string[] = [];
    const consoleErrors: string[] = [];
    const failed: string[] = [];
    let result: PageResult;
    try {
      const page = await browser.newPage();
      page.on("pageerror", (e) => pageErrors.push(String(e)));
      page.on("console", (m) => m.type() === "error" && consoleErrors.push(m.text()));
      page.on("requestfailed", (r) => failed.push(`${r.url()}: ${r.failure()?.errorText}`));
      await page.goto(`${origin}/`);
      await page.waitForFunction(() => document.getElementById("status")?.textContent !== "loading", null, { timeout: 90_000 });
      const error = await page.evaluate(() => (window as unknown as { __error?: string }).__error ?? null);
      assert.equal(error, null, `the page failed: ${error}`);
      result = await page.evaluate(() => (window as unknown as { __result: PageResult }).__result);
    } finally {
      await browser.close();
    }
    assert.deepEqual(pageErrors, [], "page errors");
    assert.deepEqual(consoleErrors, [], "console errors");
    assert.deepEqual(failed, [], "failed requests");
    assert.deepEqual(notFound, [], "requests answered 404");
    assert.deepEqual(
      requests.filter((p) => p.includes("node:")),
      [],
      "requests for node: modules",
    );
    assert.deepEqual([...new Set(requests)].sort(), ["/", "/page.js"], "the page loads index.html and the bundle only");

    // The kernels ran: cross-origin isolated (shared memory), and the package's own counters moved.
    assert.equal(result.crossOriginIsolated, true, "the page is cross-origin isolated");
    for (const family of ["gemm", "cfc", "ltc"] as const)
      assert.ok(result.kernelCalls[family] > 0, `no ${family} kernel call in the page: ${JSON.stringify(result.kernelCalls)}`);

    // Node computes the same with the same installed package.
    const r = spawnSync(
      process.execPath,
      [
        "--input-type=module",
        "-e",
        `
      import { compute } from "./compute.mjs";
      import cfc from "./cfc.json" with { type: "json" };
      import ltc from "./ltc.json" with { type: "json" };
      process.stdout.write(JSON.stringify(await compute({ cfc, ltc })));
    `,
      ],
      { cwd: dir, encoding: "utf8", maxBuffer: 1 << 26 },
    );
    assert.equal(r.status, 0, r.stderr);
    const node = JSON.parse(r.stdout) as Result;

    const diffs: Record<string, number> = {};
    for (const name of Object.keys(CASES)) {
      const runs = result.ncps[name]!;
      assert.equal(runs.length, node.ncps[name]!.length);
      assert.ok(runs.length >= 2, `${name}: regular and irregular runs`);
      runs.forEach((run, i) => {
        const n = node.ncps[name]![i]!;
        diffs[`${name}/${run.name}`] = Math.max(
          maxDiff(run.output, n.output, `${name}/${run.name} output`),
          maxDiff(run.finalState, n.finalState, `${name}/${run.name} final state`),
        );
        // And the page reproduces ncps itself (the golden reference, 1e-9 relative + 1e-12).
        run.output.forEach((v, k) =>
          assert.ok(
            Math.abs(v - run.reference[k]!) <= 1e-9 * Math.abs(run.reference[k]!) + 1e-12,
            `${name}/${run.name} output ${k}: ${v} vs ncps ${run.reference[k]}`,
          ),
        );
      });
    }
    assert.deepEqual(result.clarke.shape, node.clarke.shape);
    diffs["clarke H"] = Math.max(
      maxDiff(result.clarke.re, node.clarke.re, "clarke H re"),
      maxDiff(result.clarke.im, node.clarke.im, "clarke H im"),
    );
    assert.deepEqual(
      result.beamforming.map((b) => b.name),
      ["zf", "wmmse", "glnn"],
    );
    assert.ok(
      result.beamforming.every((b) => b.equalPower && b.seMean > 0),
      JSON.stringify(result.beamforming),
    );
    diffs["zf/wmmse/glnn sum SE"] = maxDiff(
      result.beamforming.map((b) => b.seMean),
      node.beamforming.map((b) => b.seMean),
      "sum SE",
    );
    diffs["hold NMSE dB"] = maxDiff([result.holdNmseDb], [node.holdNmseDb], "hold NMSE dB");
    for (const [what, d] of Object.entries(diffs)) assert.ok(d <= 1e-12, `${what}: largest |browser − node| = ${d}`);
    console.log(
      `# browser vs node, max abs difference: ${JSON.stringify(diffs)}; kernel calls in the page ${JSON.stringify(result.kernelCalls)}`,
    );
  });
});
