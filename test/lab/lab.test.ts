/**
 * The lab page end to end: Vite builds it (lab/vite.config.ts) into a scratch folder,
 * `liquidwave lab --dir` serves it cross-origin isolated, and Debian's headless Chromium (through
 * playwright-core) drives it as a person would: fill the forms, click, wait for the Web Worker.
 *
 * Checked: no console or page errors; the WebAssembly path runs (and, from a server without
 * COOP/COEP, the JavaScript path, said so on the page); the wiring panel's adjacency for fixed
 * seeds equals the ncps golden wirings; the prediction panel's NMSE equals `liquidwave predict
 * --json` for the same options and seed (1e-9) while the page stays responsive during training;
 * the neuron panel records every neuron and its saliency agrees with finite differences; the
 * beamforming panel's sum SE equals `runBeamform` in Node (1e-9); the data panel reads a .npz
 * channel file and verifies an ncps export. A screenshot of each panel is written to
 * results/lab-screenshots/.
 *
 * Without /usr/bin/chromium the test is skipped, except in CI (CI=true), where it fails.
 */
import assert from "node:assert/strict";
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import type { Browser, Page } from "playwright-core";
import { generateChannel } from "../../src/channel/index.ts";
import { runBeamform } from "../../src/experiments/index.ts";
import { channelDatasetToArrays } from "../../src/channel/dataset.ts";
import { loadChannelDataset, saveChannelDataset } from "../../src/io/load.ts";
import { writeMat5 } from "../../src/io/mat5.ts";
import { inspectFile, readArrays } from "../../src/io/read.ts";
import { startLabServer } from "../../src/cli/commands/lab.ts";
import { learnedModelConfig } from "../../src/prediction/learned.ts";
import { buildWiringFromConfig } from "../../src/nn/wiring-config.ts";

const REPO = fileURLToPath(new URL("../../", import.meta.url));
const CHROMIUM = "/usr/bin/chromium";
const inCi = process.env["CI"] === "true" || process.env["CI"] === "1";
const skip = !existsSync(CHROMIUM) && !inCi ? `${CHROMIUM} is missing (apt-get install chromium); skipped outside CI` : false;
const SHOTS = join(REPO, "results", "lab-screenshots");
const ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
];

interface Matrix {
  shape: [number, number];
  data: number[];
}
interface GoldenWiring {
  ctor: Record<string, unknown>;
  build_input_dim: number;
  adjacency_matrix: Matrix;
  sensory_adjacency_matrix: Matrix;
}
const golden = (JSON.parse(readFileSync(join(REPO, "test", "fixtures", "ncps", "wirings.json"), "utf8")) as { wirings: GoldenWiring[] })
  .wirings;
/** A golden matrix as rows (the page's layout: [source][destination]). */
const rows = (m: Matrix): number[][] => Array.from({ length: m.shape[0] }, (_, i) => m.data.slice(i * m.shape[1], (i + 1) * m.shape[1]));

interface Lab {
  env?: { wasm: boolean; crossOriginIsolated: boolean };
  wiring?: { adjacency: number[][]; sensory: number[][]; className: string };
  prediction?: { models: { name: string; nmseDb: number[]; meanNmseDb: number }[]; config: { regular: boolean } };
  neurons?: {
    source: string;
    traces: number[][];
    saliency: number[][][];
    gradientCheck: number;
    timeMs: number[];
    wiring: { units: number; adjacency: number[][] };
  };
  beamforming?: { doc: { algorithms: { name: string; seMean: number; perSample: number[]; maxPowerDbm: number }[] } };
  data?: {
    kind: string;
    lines: [string, string][];
    format?: string;
    variables?: { name: string; shape: number[]; dtype: string; readable: boolean; note?: string; rms?: number; maxAbs?: number }[];
    channel?: { shape: number[]; meanPowerDb: number; dtMs: number | null };
    verify?: { passed: boolean };
  };
  errors: Record<string, string>;
}
const labState = (page: Page) => page.evaluate(() => (window as unknown as { __lab: Lab }).__lab);

async function fill(page: Page, panel: string, values: Record<string, string | number | boolean>): Promise<void> {
  for (const [name, v] of Object.entries(values)) {
    const sel = `[data-panel="${panel}"] [name="${name}"]`;
    if (typeof v === "boolean") await page.setChecked(sel, v);
    else if ((await page.locator(sel).evaluate((e) => e.tagName)) === "SELECT") await page.selectOption(sel, String(v));
    else await page.fill(sel, String(v));
  }
}
async function setChoices(page: Page, panel: string, name: string, values: string[]): Promise<void> {
  for (const box of await page.locator(`[data-panel="${panel}"] input[name="${name}"]`).all())
    await box.setChecked(values.includes((await box.getAttribute("value"))!));
}
/** Click the panel's button and wait for the run to finish; returns the seconds it took. */
async function run(page: Page, panel: string, timeout = 120_000): Promise<number> {
  const t0 = Date.now();
  await page.click(`[data-panel="${panel}"] button[type="submit"]`);
  await page.waitForFunction(
    (p) => ["done", "error"].includes(document.querySelector<HTMLElement>(`[data-panel="${p}"]`)!.dataset["state"]!),
    panel,
    {
      timeout,
    },
  );
  const errors = (await labState(page)).errors;
  assert.equal(errors[panel], undefined, `${panel} panel failed: ${errors[panel]}`);
  return (Date.now() - t0) / 1000;
}
const shot = (page: Page, panel: string, suffix = "") =>
  page.locator(`[data-panel="${panel}"]`).screenshot({ path: join(SHOTS, `${panel}${suffix}.png`) });

function maxDiff(a: readonly number[], b: readonly number[]): number {
  assert.equal(a.length, b.length);
  return Math.max(...a.map((v, i) => Math.abs(v - b[i]!)));
}

describe("the lab page in headless Chromium", { skip }, () => {
  let dir: string;
  let cli: ChildProcess;
  let url: string;
  let browser: Browser;

  before(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`lab test: ${CHROMIUM} is missing and CI is set; install Debian's chromium package (.ci/run does)`);
    dir = mkdtempSync(join(tmpdir(), "liquidwave-lab-"));
    mkdirSync(SHOTS, { recursive: true });
    const { build } = await import("vite");
    await build({ configFile: join(REPO, "lab", "vite.config.ts"), logLevel: "error", build: { outDir: join(dir, "site") } });
    assert.ok(existsSync(join(dir, "site", "index.html")), "vite wrote index.html");
    // `liquidwave lab` serves the build (port 0: any free port; it prints the address).
    cli = spawn(process.execPath, [join(REPO, "bin", "liquidwave.mjs"), "lab", "--port", "0", "--dir", join(dir, "site")], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    url = await new Promise<string>((resolve, reject) => {
      let err = "";
      cli.stderr!.on("data", (d: Buffer) => {
        err += d.toString();
        const m = /at (http:\/\/\S+\/)/.exec(err);
        if (m) resolve(m[1]!);
      });
      cli.once("exit", (code) => reject(new Error(`liquidwave lab exited (${code}): ${err}`)));
    });
    const { chromium } = await import("playwright-core");
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
  });

  after(async () => {
    await browser?.close();
    cli?.kill();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test("every panel runs in the page with the library's numbers (WebAssembly path)", async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const problems: string[] = [];
    page.on("pageerror", (e) => problems.push(`page error: ${String(e)}`));
    page.on("console", (m) => m.type() === "error" && problems.push(`console error: ${m.text()}`));
    page.on("requestfailed", (r) => problems.push(`request failed: ${r.url()}`));
    // The CLI's runs of the predictions below, started now: they compute while the page does.
    const cliPredict = (args: string[]) =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [join(REPO, "bin", "liquidwave.mjs"), "predict", ...args, "--json"], {
          stdio: ["ignore", "pipe", "pipe"],
        });
        let stdout = "";
        let stderr = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
        child.on("close", (status) => resolve({ status, stdout, stderr }));
      });
    const small = [
      "--users",
      "6",
      "--samples",
      "120",
      "--speed",
      "3",
      "--dt",
      "0.001",
      "--snr-db",
      "15",
      "--history",
      "6",
      "--horizon",
      "2",
    ];
    const cliPrediction = cliPredict([
      "--preset",
      "umi-6ghz",
      ...small,
      "--epochs",
      "2",
      "--seed",
      "4",
      "--models",
      "hold,wiener,cfc,ltc,ncp",
    ]);
    // Clarke with irregular sampling (gaps of 1-3 samples: the page's switch is --max-gap 3).
    const cliIrregular = cliPredict([
      "--preset",
      "clarke",
      ...small,
      "--epochs",
      "1",
      "--seed",
      "5",
      "--models",
      "hold,ncp",
      "--max-gap",
      "3",
    ]);
    const res = await page.goto(url);
    assert.equal(res?.headers()["cross-origin-embedder-policy"], "require-corp", "liquidwave lab sends COEP");
    for (const name of ["wiring", "prediction", "neurons", "beamforming", "data"])
      assert.equal(await page.locator(`section[data-panel="${name}"]`).count(), 1, `section[data-panel=${name}]`);

    // 1. Wiring: the page builds the default AutoNCP on load; then an NCP through the form.
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-panel="wiring"]')!.dataset["state"] === "done", null, {
      timeout: 60_000,
    });
    let lab = await labState(page);
    assert.equal(lab.env?.wasm, true, "the WebAssembly kernels run");
    assert.equal(lab.env?.crossOriginIsolated, true);
    assert.equal(await page.getAttribute("#env", "data-path"), "wasm");
    const g1 = golden.find((w) => w.ctor["class"] === "AutoNCP" && w.ctor["units"] === 16 && w.build_input_dim === 3)!;
    assert.deepEqual(lab.wiring!.adjacency, rows(g1.adjacency_matrix), "AutoNCP(16, 2, 0.5, seed 22222) adjacency = ncps");
    assert.deepEqual(lab.wiring!.sensory, rows(g1.sensory_adjacency_matrix), "AutoNCP sensory adjacency = ncps");
    await fill(page, "wiring", {
      kind: "ncp",
      inputs: 3,
      outputs: 2,
      inter: 4,
      command: 3,
      sensoryFanout: 2,
      interFanout: 2,
      recurrentCommand: 3,
      motorFanin: 2,
      seed: 1,
    });
    await run(page, "wiring");
    lab = await labState(page);
    const g2 = golden.find((w) => w.ctor["class"] === "NCP" && w.ctor["seed"] === 1)!;
    assert.equal(lab.wiring!.className, "NCP");
    assert.deepEqual(lab.wiring!.adjacency, rows(g2.adjacency_matrix), "NCP(4, 3, 2, seed 1) adjacency = ncps");
    assert.deepEqual(lab.wiring!.sensory, rows(g2.sensory_adjacency_matrix));
    assert.ok((await page.locator('[data-out="wiring-graph"] path.edge').count()) > 0, "synapses drawn");
    await shot(page, "wiring");

    // 2. Prediction: small settings; the page must stay responsive while the worker trains.
    const opts = { preset: "umi-6ghz", users: 6, samples: 120, speed: 3, snrDb: 15, dtMs: 1, history: 6, horizon: 2, epochs: 2, seed: 4 };
    await fill(page, "prediction", opts);
    await setChoices(page, "prediction", "model", ["hold", "wiener", "cfc", "ltc", "ncp"]);
    await page.evaluate(() => {
      const w = window as unknown as { __beat: { last: number; maxGap: number; id: number } };
      w.__beat = { last: performance.now(), maxGap: 0, id: 0 };
      w.__beat.id = window.setInterval(() => {
        const now = performance.now();
        w.__beat.maxGap = Math.max(w.__beat.maxGap, now - w.__beat.last);
        w.__beat.last = now;
      }, 20);
    });
    await page.click('[data-panel="prediction"] button[type="submit"]');
    // While it trains, a click on the page is answered at once.
    await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-panel="prediction"]')!.dataset["state"] === "running");
    const clickedWhileBusy = await page.evaluate(async () => {
      const d = document.querySelector<HTMLDetailsElement>('[data-panel="prediction"] details')!;
      const t0 = performance.now();
      d.querySelector("summary")!.click();
      await new Promise((r) => requestAnimationFrame(() => r(null)));
      return {
        open: d.open,
        ms: performance.now() - t0,
        busy: document.querySelector<HTMLElement>('[data-panel="prediction"]')!.dataset["state"],
      };
    });
    await page.waitForFunction(
      () => ["done", "error"].includes(document.querySelector<HTMLElement>('[data-panel="prediction"]')!.dataset["state"]!),
      null,
      {
        timeout: 120_000,
      },
    );
    lab = await labState(page);
    assert.equal(lab.errors["prediction"], undefined, lab.errors["prediction"]);
    const beat = await page.evaluate(() => {
      const w = window as unknown as { __beat: { maxGap: number; id: number } };
      clearInterval(w.__beat.id);
      return w.__beat.maxGap;
    });
    assert.equal(clickedWhileBusy.open, true, "the details element opened during training");
    assert.ok(beat < 1000, `the page's timer stalled for ${beat.toFixed(0)} ms during training`);
    assert.ok((await page.locator('[data-out="prediction-loss"] path.series').count()) >= 3, "loss curves drawn");
    assert.ok((await page.locator('[data-out="prediction-table"] tbody tr').count()) === 5, "one table row per model");
    const sameAsCli = async (cli: typeof cliPrediction, what: string) => {
      const r = await cli;
      assert.equal(r.status, 0, r.stderr);
      const cliPred = JSON.parse(r.stdout) as { models: { name: string; nmseDb: number[] }[]; config: { regular: boolean } };
      const pagePred = lab.prediction!;
      assert.deepEqual(
        pagePred.models.map((m) => m.name),
        cliPred.models.map((m) => m.name),
        what,
      );
      for (const [i, m] of pagePred.models.entries()) {
        const d = maxDiff(m.nmseDb, cliPred.models[i]!.nmseDb);
        assert.ok(d <= 1e-9, `${what}, ${m.name}: page NMSE ${m.nmseDb} vs CLI ${cliPred.models[i]!.nmseDb} (|Δ| ${d} dB)`);
      }
      assert.equal(pagePred.config.regular, cliPred.config.regular, `${what}: sampling`);
      const cells = await page.locator('[data-out="prediction-table"] tbody tr:first-child td').allTextContents();
      assert.equal(cells[1], pagePred.models[0]!.meanNmseDb.toFixed(2), "the table shows the computed mean NMSE");
    };
    await sameAsCli(cliPrediction, "umi-6ghz, regular");
    await shot(page, "prediction");
    // The Clarke option and the irregular-sampling switch, with the CLI's --preset clarke --max-gap 3.
    await fill(page, "prediction", { preset: "clarke", epochs: 1, seed: 5, irregular: true });
    await setChoices(page, "prediction", "model", ["hold", "ncp"]);
    await run(page, "prediction");
    lab = await labState(page);
    assert.equal(lab.prediction!.config.regular, false, "irregular sampling ran");
    assert.match((await page.textContent('[data-out="prediction-status"]'))!, /clarke.*irregular sampling/);
    assert.match((await page.textContent('[data-out="prediction-cli"]'))!, /--preset clarke .*--max-gap 3/);
    assert.equal(await page.locator('[data-out="prediction-table"] tbody tr').count(), 2, "one table row per model");
    await sameAsCli(cliIrregular, "clarke, irregular");
    await shot(page, "prediction", "-clarke-irregular");

    // 3. Neuron activity: the NCP the prediction panel just trained (Clarke, irregular: 2M + 1
    // inputs with the elapsed time), its wiring drawn from that model.
    await run(page, "neurons");
    lab = await labState(page);
    const n = lab.neurons!;
    assert.equal(n.source, "prediction", "the prediction panel's NCP is reused");
    const wantWiring = (learnedModelConfig("ncp", 2 * 4 + 1, 2 * 2 * 4, 6, 32, 5) as { wiring: Record<string, unknown> }).wiring;
    const built = buildWiringFromConfig(wantWiring, 9);
    assert.deepEqual(n.wiring.adjacency.flat(), Array.from(built.adjacency), "the wiring drawn is the trained NCP's");
    assert.equal(n.traces.length, 32, "one trace per neuron");
    assert.ok(
      n.traces.every((t) => t.length === 6 && t.every(Number.isFinite)),
      "traces over the P = 6 history steps",
    );
    assert.equal(n.saliency.length, built.outputDim, "one saliency row group per motor neuron");
    assert.ok(
      n.saliency.every((s) => s.length === 9),
      "per input: Re/Im of 4 antennas and the elapsed time",
    );
    assert.ok(n.saliency.flat(2).every(Number.isFinite) && n.saliency.flat(2).some((v) => v !== 0));
    assert.ok(n.gradientCheck < 1e-5, `saliency vs central differences: ${n.gradientCheck}`);
    assert.equal(await page.locator('[data-out="neurons-graph"] circle.node[style]').count(), 32, "every neuron coloured by activation");
    // The time slider is keyboard-usable and redraws the wiring.
    await page.focus('[data-out="neurons-time"]');
    assert.match((await page.textContent('[data-out="neurons-time-label"]'))!, /^t = 0 ms$/, "the last sample of the window");
    await page.keyboard.press("Home");
    assert.match((await page.textContent('[data-out="neurons-time-label"]'))!, /^t = -\d/, "the first sample, before the last");
    await shot(page, "neurons");

    // 4. Beamforming: the page's sum SE equals runBeamform in Node with the same options.
    const bf = { preset: "umi-6ghz", users: 2, antennas: 4, samples: 8, speed: 10, dtMs: 10, powerDbm: 10, noiseDbm: 0, seed: 3 };
    await fill(page, "beamforming", bf);
    await setChoices(page, "beamforming", "algorithm", ["wmmse", "wmmse-track", "zf", "glnn"]);
    await run(page, "beamforming");
    lab = await labState(page);
    const node = runBeamform({
      preset: "umi-6ghz",
      users: 2,
      antennas: 4,
      userAntennas: 1,
      samples: 8,
      speed: 10,
      dt: 0.01,
      powerDbm: 10,
      noiseDbm: 0,
      seed: 3,
      algorithms: ["wmmse", "wmmse-track", "zf", "glnn"],
    });
    const algs = lab.beamforming!.doc.algorithms;
    assert.deepEqual(
      algs.map((a) => a.name),
      ["wmmse", "wmmse-track", "zf", "glnn"],
    );
    for (const [i, a] of algs.entries()) {
      assert.ok(maxDiff(a.perSample, node.algorithms[i]!.perSample) <= 1e-9, `${a.name} sum SE per slot: page vs Node`);
      assert.ok(a.maxPowerDbm <= 10 + 1e-9, `${a.name} within the power budget`);
    }
    assert.equal(await page.locator('[data-out="beamforming-se"] path.series').count(), 4);
    await shot(page, "beamforming");

    // 5. Your data: a .npz channel file, a compressed MAT v5 channel, a MATLAB v7.3 and an HDF5
    // file, each compared with the library's reading of the same file in Node (`data inspect`,
    // `loadChannelDataset`); then an ncps export.
    const sim = generateChannel({ preset: "clarke", users: 2, antennas: 2, samples: 50, seed: 9 });
    const npz = join(dir, "clarke.npz");
    saveChannelDataset(npz, sim);
    const mat = join(dir, "clarke.mat");
    writeMat5(mat, channelDatasetToArrays(sim), { compress: true });
    assert.equal(readFileSync(mat).readUInt32LE(128), 15, "the MAT file's variables are miCOMPRESSED (zlib)");
    const drop = async (file: string) => {
      await page.evaluate(() => {
        document.querySelector<HTMLElement>('[data-panel="data"]')!.dataset["state"] = "";
      });
      await page.setInputFiles('[data-panel="data"] input[type="file"]', file);
      await page.waitForFunction(() =>
        ["done", "error"].includes(document.querySelector<HTMLElement>('[data-panel="data"]')!.dataset["state"]!),
      );
      const d = await labState(page);
      assert.equal(d.errors["data"], undefined, `${file}: ${d.errors["data"]}`);
      return d.data!;
    };
    for (const file of [npz, mat, join(REPO, "test", "fixtures", "io", "mat73.mat"), join(REPO, "test", "fixtures", "io", "h5py.h5")]) {
      const shown = await drop(file);
      const want = await inspectFile(file);
      assert.equal(shown.format, want.format, file);
      assert.deepEqual(
        shown.variables!.map(({ rms, maxAbs, ...v }) => v),
        want.variables.map((v) => ({ ...v, shape: [...v.shape] })),
        `${file}: the panel lists what data inspect lists`,
      );
      const arrays = (await readArrays(file)).variables;
      for (const v of shown.variables!) {
        const a = arrays.get(v.name);
        if (!a) continue;
        let p = 0;
        let m = 0;
        for (let i = 0; i < a.data.length; i++) {
          const q = Number(a.data[i]) ** 2 + (a.imag ? Number(a.imag[i]) ** 2 : 0);
          p += q;
          m = Math.max(m, q);
        }
        const rms = a.data.length === 0 ? 0 : Math.sqrt(p / a.data.length);
        assert.ok(Math.abs(v.rms! - rms) <= 1e-12 * Math.max(1, rms), `${file}: ${v.name} RMS ${v.rms} vs ${rms}`);
        assert.ok(Math.abs(v.maxAbs! - Math.sqrt(m)) <= 1e-12 * Math.max(1, Math.sqrt(m)), `${file}: ${v.name} max |x|`);
      }
      if (file === npz || file === mat) {
        const ds = await loadChannelDataset(file);
        let p = 0;
        for (let i = 0; i < ds.H.re.length; i++) p += ds.H.re[i]! ** 2 + ds.H.im[i]! ** 2;
        assert.equal(shown.kind, "channel");
        assert.deepEqual(shown.channel!.shape, [50, 2, 1, 2]);
        assert.ok(Math.abs(shown.channel!.meanPowerDb - 10 * Math.log10(p / ds.H.re.length)) <= 1e-9, `${file}: mean |h|²`);
        assert.equal(shown.channel!.dtMs, ds.meta.dt! * 1e3);
      } else assert.equal(shown.kind, "arrays", `${file} holds no channel dataset`);
      if (file === mat) await shot(page, "data", "-channel");
    }
    await page.evaluate(() => {
      document.querySelector<HTMLElement>('[data-panel="data"]')!.dataset["state"] = "";
    });
    await page.setInputFiles(
      '[data-panel="data"] input[type="file"]',
      join(REPO, "test", "fixtures", "ncps", "cfc_default_autoncp16_out2.json"),
    );
    await page.waitForFunction(() =>
      ["done", "error"].includes(document.querySelector<HTMLElement>('[data-panel="data"]')!.dataset["state"]!),
    );
    lab = await labState(page);
    assert.equal(lab.errors["data"], undefined, lab.errors["data"]);
    assert.equal(lab.data!.verify?.passed, true, "the ncps export verifies in the browser");
    await shot(page, "data");

    assert.deepEqual(problems, [], "no console errors, page errors or failed requests");
    await page.close();
  });

  test("from a host without COOP/COEP the page says which path runs, and ?kernels=js runs the JavaScript kernels", async () => {
    const { server, url: plain } = await startLabServer({ dir: join(dir, "site"), isolation: false });
    try {
      const problems: string[] = [];
      const open = async (path: string, dark: boolean): Promise<Page> => {
        const page = await browser.newPage({ colorScheme: dark ? "dark" : "light", viewport: { width: 1280, height: 900 } });
        page.on("pageerror", (e) => problems.push(String(e)));
        page.on("console", (m) => m.type() === "error" && problems.push(m.text()));
        await page.goto(new URL(path, plain).href);
        await page.waitForFunction(() => document.querySelector<HTMLElement>('[data-panel="wiring"]')!.dataset["state"] === "done", null, {
          timeout: 60_000,
        });
        return page;
      };
      const g1 = golden.find((w) => w.ctor["class"] === "AutoNCP" && w.ctor["units"] === 16 && w.build_input_dim === 3)!;
      // Not isolated: whatever the browser grants, the page states it truthfully.
      let page = await open("./", false);
      let lab = await labState(page);
      assert.equal(lab.env?.crossOriginIsolated, false);
      assert.equal(await page.getAttribute("#env", "data-path"), lab.env?.wasm ? "wasm" : "js");
      assert.match((await page.textContent("#env"))!, /not cross-origin isolated/);
      await page.close();
      // The JavaScript kernels (the library's LIQUIDWAVE_WASM=0), dark scheme: same wiring, and a panel runs.
      page = await open("./?kernels=js", true);
      lab = await labState(page);
      assert.equal(lab.env?.wasm, false);
      assert.equal(await page.getAttribute("#env", "data-path"), "js");
      assert.match((await page.textContent("#env"))!, /JavaScript kernels/);
      assert.deepEqual(lab.wiring!.adjacency, rows(g1.adjacency_matrix));
      await fill(page, "neurons", { preset: "clarke", units: 8, length: 20, epochs: 1, seed: 2 });
      await run(page, "neurons");
      lab = await labState(page);
      assert.equal(lab.neurons!.source, "trained", "no prediction NCP on this page: the panel trains its own");
      assert.equal(lab.neurons!.traces.length, 8);
      assert.ok(lab.neurons!.gradientCheck < 1e-5);
      await shot(page, "wiring", "-dark-js");
      await shot(page, "neurons", "-dark-js");
      await page.close();
      assert.deepEqual(problems, []);
    } finally {
      server.close();
    }
  });
});
