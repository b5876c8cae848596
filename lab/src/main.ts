/**
 * The lab page: forms, charts and the Web Worker client. No library computation runs on this
 * thread; the worker (worker.ts) does it all and sends plain data back.
 */
import { fmt, heatmap, lineChart, mapChart, type Series } from "./charts.ts";
import { BEAMFORM_FIELDS, NEURON_FIELDS, PREDICTION_FIELDS, WIRING_DEFAULT_SEED, WIRING_FIELDS } from "./fields.ts";
import { buildForm, cliFlags, readForm, syncKind } from "./forms.ts";
import type {
  BeamformOptions,
  BeamformView,
  DataReport,
  EnvInfo,
  NeuronOptions,
  NeuronResult,
  Progress,
  Reply,
  Request,
  WiringSpec,
  WiringView,
} from "./protocol.ts";
import { drawWiring } from "./wiring-view.ts";
import type { PredictionResult } from "../../src/experiments/index.ts";

/** What the page computed, for tests and the curious (`window.__lab` in the console). */
interface LabState {
  env?: EnvInfo;
  wiring?: WiringView;
  prediction?: PredictionResult;
  predictionOptions?: Record<string, unknown>;
  neurons?: NeuronResult;
  beamforming?: BeamformView;
  data?: DataReport;
  /** Panels whose last run failed: panel → message. */
  errors: Record<string, string>;
}
const lab: LabState = { errors: {} };
(window as unknown as { __lab: LabState }).__lab = lab;

// ---- worker client
const worker = new Worker(new URL("./worker.ts", import.meta.url), { type: "module" });
let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; progress?: (p: Progress) => void }>();
worker.onmessage = (e: MessageEvent<Reply>) => {
  const r = e.data;
  const p = pending.get(r.id);
  if (!p) return;
  if ("progress" in r) p.progress?.(r.progress);
  else {
    pending.delete(r.id);
    if (r.ok) p.resolve(r.value);
    else p.reject(new Error(r.error));
  }
};
worker.onerror = (e) => {
  for (const p of pending.values()) p.reject(new Error(`worker error: ${e.message}`));
  pending.clear();
};
function call<T>(req: Request, progress?: (p: Progress) => void, transfer: Transferable[] = []): Promise<T> {
  const id = nextId++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject, ...(progress ? { progress } : {}) });
    worker.postMessage({ id, req }, transfer);
  });
}

// ---- DOM helpers
const $ = <T extends HTMLElement = HTMLElement>(sel: string, root: ParentNode = document): T => {
  const e = root.querySelector<T>(sel);
  if (!e) throw new Error(`missing element ${sel}`);
  return e;
};
const out = (name: string) => $(`[data-out="${name}"]`);
const form = (name: string) => $<HTMLFormElement>(`form[data-form="${name}"]`);

function table(el: HTMLElement, head: string[], rows: (string | number)[][]): void {
  el.replaceChildren();
  if (head.length === 0) return;
  const tr = el.appendChild(document.createElement("thead")).appendChild(document.createElement("tr"));
  for (const h of head) tr.appendChild(document.createElement("th")).textContent = h;
  const body = el.appendChild(document.createElement("tbody"));
  for (const r of rows) {
    const row = body.appendChild(document.createElement("tr"));
    for (const c of r) row.appendChild(document.createElement("td")).textContent = typeof c === "number" ? fmt(c, 4) : c;
  }
}

/**
 * Run a panel's job: its button (if any) disabled, `data-state` running → done | error, the time
 * taken in `data-seconds`; an error is shown in the panel's status line and kept in `lab.errors`.
 */
async function busy(panel: string, job: (status: HTMLElement) => Promise<void>): Promise<void> {
  const section = $(`[data-panel="${panel}"]`);
  const button = section.querySelector<HTMLButtonElement>('button[type="submit"]');
  const status = out(`${panel}-status`);
  status.classList.remove("error");
  if (button) button.disabled = true;
  section.setAttribute("aria-busy", "true");
  section.dataset["state"] = "running";
  delete lab.errors[panel];
  const t0 = performance.now();
  try {
    await job(status);
    section.dataset["state"] = "done";
    section.dataset["seconds"] = ((performance.now() - t0) / 1000).toFixed(2);
  } catch (e) {
    lab.errors[panel] = (e as Error).message;
    section.dataset["state"] = "error";
    status.textContent = (e as Error).message;
    status.classList.add("error");
  } finally {
    if (button) button.disabled = false;
    section.removeAttribute("aria-busy");
  }
}

// ---- compute path
async function showEnv(): Promise<void> {
  const kernels = new URLSearchParams(location.search).get("kernels") === "js" ? "js" : "auto";
  const env = await call<EnvInfo>({ type: "env", kernels });
  lab.env = env;
  const el = $("#env");
  el.dataset["path"] = env.wasm ? "wasm" : "js";
  const isolation = env.crossOriginIsolated
    ? "the page is cross-origin isolated (COOP/COEP headers)"
    : "the page is not cross-origin isolated (the host sends no COOP/COEP headers)";
  el.textContent = env.wasm
    ? `Compute path: WebAssembly SIMD kernels on shared memory${env.fma ? " with fused multiply-add" : ""}, in a Web Worker; ${isolation}${env.crossOriginIsolated ? "" : ", and this browser still grants the worker shared WebAssembly memory"}. liquidwave ${env.version}.`
    : `Compute path: JavaScript kernels, in a Web Worker (${kernels === "js" ? "chosen with ?kernels=js" : `${isolation}, so shared WebAssembly memory is unavailable`}); the numbers are the same up to rounding, only slower. liquidwave ${env.version}.`;
  out("footer").textContent = `liquidwave ${env.version} · computed in your browser · ${env.wasm ? "WebAssembly" : "JavaScript"} kernels`;
}

// ---- 1. wiring
async function buildWiring(): Promise<void> {
  await busy("wiring", async (status) => {
    const v = readForm(form("wiring"), WIRING_FIELDS);
    const spec: WiringSpec = { ...v, kind: v.kind as WiringSpec["kind"] };
    const w = await call<WiringView>({ type: "wiring", spec });
    lab.wiring = w;
    const layers = w.groups.map((g) => `${g.ids.length} ${g.type}`).join(", ");
    status.textContent = `${w.className}: ${w.units} neurons (${layers}), ${w.inputDim} inputs, ${w.synapses} synapses + ${w.sensorySynapses} sensory (${w.excitatory} excitatory, ${w.inhibitory} inhibitory).`;
    drawWiring(out("wiring-graph"), w, { width: 1100, title: `${w.className} wiring, seed ${spec.seed}: synapses by layer and polarity` });
    out("wiring-cli").textContent = `$ liquidwave wiring show ${cliFlags(WIRING_FIELDS, v, v.kind).join(" ")} --json`;
    const rows = (m: number[][], label: string) =>
      m.map((r, i) => `${label}${String(i).padStart(2)} ${r.map((v) => (v > 0 ? " +" : v < 0 ? " -" : " .")).join("")}`);
    out("wiring-matrix").textContent = [
      "sensory adjacency [input → neuron]:",
      ...rows(w.sensory, "x"),
      "",
      "adjacency [neuron → neuron]:",
      ...rows(w.adjacency, "n"),
    ].join("\n");
  });
}

// ---- 2. prediction
/** The options of `runPredict` (the CLI's `predict` flags in camelCase) from the form. */
function predictionOptions(v: ReturnType<typeof readForm<typeof PREDICTION_FIELDS>>): Record<string, unknown> {
  const { dtMs, model, irregular, ...rest } = v;
  return { ...rest, dt: dtMs / 1000, models: model, ...(irregular ? { maxGap: 3 } : {}) };
}

async function runPrediction(): Promise<void> {
  await busy("prediction", async (status) => {
    const v = readForm(form("prediction"), PREDICTION_FIELDS);
    if (v.model.length === 0) throw new Error("choose at least one model");
    const options = predictionOptions(v);
    lab.predictionOptions = options;
    out("prediction-cli").textContent = `$ liquidwave predict ${cliFlags(PREDICTION_FIELDS, v).join(" ")} --json`;
    const curves = new Map<string, { epoch: number[]; train: number[]; val: (number | null)[] }>();
    let last = 0;
    const drawLoss = () => {
      const series: Series[] = [];
      for (const [name, c] of curves) {
        series.push({ name: `${name} train`, x: c.epoch, y: c.train, points: true });
        if (c.val.some((v) => v !== null)) series.push({ name: `${name} val`, x: c.epoch, y: c.val, dash: true, points: true });
      }
      if (series.length > 0)
        lineChart(out("prediction-loss"), {
          title: "Training loss (live)",
          xLabel: "epoch",
          yLabel: "MSE (normalised channel)",
          series,
          logY: true,
        });
    };
    status.textContent = "simulating the channel…";
    const r = await call<PredictionResult>({ type: "predict", options: options as never }, (p) => {
      if (p.kind === "log") status.textContent = p.message.replace(/^predict: /, "");
      else {
        const c = curves.get(p.model) ?? { epoch: [], train: [], val: [] };
        curves.set(p.model, c);
        c.epoch.push(p.epoch);
        c.train.push(p.train);
        c.val.push(p.val);
        status.textContent = `${p.model}: epoch ${p.epoch}, training loss ${fmt(p.train)}`;
        const now = performance.now();
        if (now - last > 100) {
          last = now;
          drawLoss();
        }
      }
    });
    drawLoss();
    lab.prediction = r;
    const dtMs = r.config.dt * 1000;
    const steps = Array.from({ length: r.config.horizon }, (_, k) => (k + 1) * dtMs);
    const series: Series[] = r.models.map((m) => ({ name: m.name, x: steps, y: m.nmseDb, points: true }));
    if (r.reference) series.push({ name: "Wiener theory", x: steps, y: r.reference.wienerDb, dash: true });
    lineChart(out("prediction-nmse"), {
      title: "Prediction NMSE per step ahead (test users)",
      xLabel: "prediction lead (ms)",
      yLabel: "NMSE (dB)",
      series,
    });
    table(
      out("prediction-table"),
      ["model", "mean NMSE (dB)", ...steps.map((s) => `NMSE @${fmt(s)} ms (dB)`), "parameters", "training (s)"],
      r.models.map((m) => [m.name, m.meanNmseDb.toFixed(2), ...m.nmseDb.map((v) => v.toFixed(2)), m.params, m.trainSeconds.toFixed(2)]),
    );
    const c = r.config;
    status.textContent = `${c.source.join(", ")}: ${c.trajectories.train}/${c.trajectories.validation}/${c.trajectories.test} users for training/validation/test, ${c.windows.train}/${c.windows.validation}/${c.windows.test} windows, f_D ${c.dopplerHz === null ? "unknown" : `${c.dopplerHz.toFixed(1)} Hz`}, ${c.regular ? "regular" : "irregular"} sampling.`;
  });
}

// ---- 3. neurons
let neuronResult: NeuronResult | null = null;

function drawNeuronStep(t: number): void {
  const r = neuronResult;
  if (!r) return;
  let amax = 0;
  for (const tr of r.traces) for (const v of tr) amax = Math.max(amax, Math.abs(v));
  const activity = r.traces.map((tr) => tr[t]! / (amax || 1));
  drawWiring(out("neurons-graph"), r.wiring, {
    title: `Neuron states at t = ${fmt(r.timeMs[t]!)} ms (colour: activation, scaled by ${fmt(amax)})`,
    activity,
    inputNames: r.inputNames,
  });
  out("neurons-time-label").textContent = `t = ${fmt(r.timeMs[t]!)} ms`;
}

async function runNeurons(): Promise<void> {
  await busy("neurons", async (status) => {
    const v = readForm(form("neurons"), NEURON_FIELDS);
    const o: NeuronOptions = { ...v, preset: v.preset as NeuronOptions["preset"] };
    const ep: number[] = [];
    const tr: number[] = [];
    const va: (number | null)[] = [];
    status.textContent = "training…";
    const r = await call<NeuronResult>({ type: "neurons", options: o }, (p) => {
      if (p.kind !== "epoch") return;
      ep.push(p.epoch);
      tr.push(p.train);
      va.push(p.val);
      status.textContent = `epoch ${p.epoch}/${o.epochs}: training loss ${fmt(p.train)}${p.val === null ? "" : `, validation ${fmt(p.val)}`}`;
    });
    neuronResult = r;
    lab.neurons = r;
    status.textContent = `${r.description} Saliency by back-propagation; central differences agree to ${r.gradientCheck.toExponential(1)} (relative).`;
    const slider = out("neurons-time") as HTMLInputElement;
    slider.max = String(r.timeMs.length - 1);
    slider.value = String(r.timeMs.length - 1);
    slider.disabled = false;
    drawNeuronStep(r.timeMs.length - 1);
    const motor = new Set(r.wiring.groups.find((g) => g.type === "motor")?.ids ?? []);
    const command = new Set(r.wiring.groups.find((g) => g.type === "command")?.ids ?? []);
    lineChart(out("neurons-traces"), {
      title: `Every neuron's state over time (${r.source === "prediction" ? "a test window" : "held-out user"})`,
      xLabel: "time (ms)",
      yLabel: "neuron state",
      series: r.traces.map((y, n) => ({
        name: `${motor.has(n) ? "motor" : command.has(n) ? "cmd" : "inter"} ${n}`,
        x: r.timeMs,
        y,
        ...(motor.has(n) ? {} : { dash: !command.has(n) }),
      })),
      height: 360,
    });
    const rows: string[] = [];
    const values: number[][] = [];
    r.saliency.forEach((perInput, j) =>
      perInput.forEach((v, i) => {
        rows.push(`${r.outputNames[j]} ← ${r.inputNames[i]}`);
        values.push(v);
      }),
    );
    heatmap(out("neurons-saliency"), {
      title: "Saliency ∂y_t/∂x_t of each motor output to each input",
      xLabel: "time (ms)",
      rowLabel: "motor output ← input",
      rows,
      x: r.timeMs,
      values,
      valueLabel: "∂y/∂x (1)",
    });
    const tLast = r.timeMs[r.timeMs.length - 1]!;
    const lags = r.timeMs.map((_, k) => tLast - r.timeMs[r.timeMs.length - 1 - k]!);
    lineChart(out("neurons-memory"), {
      title: "How far back the last prediction looks",
      xLabel: "lag before the last step (ms)",
      yLabel: "Σ_i |∂y_T/∂x_{T−lag,i}| (1)",
      series: r.memory.map((y, j) => ({ name: r.outputNames[j]!, x: lags, y })),
      logY: true,
    });
    lineChart(out("neurons-outputs"), { ...r.outputChart, width: 1100, height: 340 });
  });
}

// ---- 4. beamforming
async function runBeamforming(): Promise<void> {
  await busy("beamforming", async (status) => {
    const fv = readForm(form("beamforming"), BEAMFORM_FIELDS);
    const { algorithm, ...rest } = fv;
    const o: BeamformOptions = { ...rest, preset: rest.preset as BeamformOptions["preset"], algorithms: algorithm };
    if (o.algorithms.length === 0) throw new Error("choose at least one beamformer");
    status.textContent = "simulating and beamforming…";
    const v = await call<BeamformView>({ type: "beamform", options: o }, (p) => {
      if (p.kind === "log") status.textContent = p.message;
    });
    lab.beamforming = v;
    const dist = v.positions.map((tr) => Math.hypot(tr[0]![0]! - tr[tr.length - 1]![0]!, tr[0]![1]! - tr[tr.length - 1]![1]!));
    if (v.positions.length === 0) out("beamforming-map").textContent = "This channel has no geometry (Rayleigh): no map.";
    else
      mapChart(out("beamforming-map"), {
        title: v.street
          ? `Street map: users' tracks in a ${fmt(v.street.width)} m wide street canyon`
          : "Map: users' tracks around the base station",
        bs: v.bs,
        tracks: v.positions,
        street: v.street,
        note: `users move up to ${fmt(Math.max(...dist))} m in ${fmt(v.timeMs[v.timeMs.length - 1]!)} ms (dot: last position)`,
      });
    lineChart(out("beamforming-se"), {
      title: `Sum spectral efficiency per slot (P = ${o.powerDbm} dBm for all)`,
      xLabel: "time (ms)",
      yLabel: "sum SE (bit/s/Hz)",
      series: v.doc.algorithms.map((a) => ({ name: a.name, x: v.timeMs, y: a.perSample })),
    });
    table(
      out("beamforming-table"),
      ["beamformer", "mean sum SE (bit/s/Hz)", "std", "max power (dBm)", "ms per slot"],
      v.doc.algorithms.map((a) => [a.name, a.seMean.toFixed(3), a.seStd.toFixed(3), a.maxPowerDbm.toFixed(2), a.msPerSample.toFixed(2)]),
    );
    const c = v.doc.config;
    status.textContent = `${c.samples} slots, K = ${c.shape.K} users, M = ${c.shape.M} antennas, SNR ${c.snrDb.toFixed(1)} dB, ${c.csi} CSI. Every precoder within the ${c.powerDbm} dBm budget.`;
    out("beamforming-cli").textContent = `$ liquidwave beamform ${cliFlags(BEAMFORM_FIELDS, fv).join(" ")} --user-antennas 1 --json`;
  });
}

// ---- 5. data
async function readFile(file: File): Promise<void> {
  await busy("data", async (status) => {
    status.textContent = `reading ${file.name} (${fmt(file.size / 1024)} KiB)…`;
    const bytes = await file.arrayBuffer();
    const v = await call<DataReport>({ type: "data", name: file.name, bytes }, undefined, [bytes]);
    lab.data = v;
    table(out("data-table"), ["property", "value"], v.lines);
    table(
      out("data-vars"),
      v.variables ? ["variable", "shape", "dtype", "RMS |x|", "max |x|", "note"] : [],
      (v.variables ?? []).map((x) => [
        x.name,
        `[${x.shape.join(", ")}]`,
        x.dtype,
        x.rms ?? "",
        x.maxAbs ?? "",
        x.note ?? (x.readable ? "" : "not readable"),
      ]),
    );
    status.textContent =
      v.kind === "ncps"
        ? `${file.name}: ncps export verified${v.verify?.passed ? "" : " — MISMATCH"}`
        : `${file.name}: ${v.format}, ${v.variables?.length ?? 0} variables${v.kind === "channel" ? `, a channel dataset (${v.channel?.layout} layout)` : ""}`;
    if (v.series)
      lineChart(out("data-chart"), {
        title: "Channel gain of user 1, BS antenna 1",
        width: 1100,
        xLabel: "sample",
        yLabel: "|h|² (dB)",
        series: [{ name: "|h|²", x: v.series.t, y: v.series.magnitudeDb }],
      });
    else out("data-chart").replaceChildren();
  });
}

// ---- wiring up
function init(): void {
  buildForm(form("wiring"), WIRING_FIELDS);
  buildForm(form("prediction"), PREDICTION_FIELDS);
  buildForm(form("neurons"), NEURON_FIELDS);
  buildForm(form("beamforming"), BEAMFORM_FIELDS);
  const wf = form("wiring");
  const kind = wf.elements.namedItem("kind") as HTMLSelectElement;
  syncKind(wf);
  kind.addEventListener("change", () => {
    syncKind(wf);
    (wf.elements.namedItem("seed") as HTMLInputElement).value = String(WIRING_DEFAULT_SEED[kind.value] ?? 1111);
  });
  const submit = (f: HTMLFormElement, run: () => Promise<void>) =>
    f.addEventListener("submit", (e) => {
      e.preventDefault();
      void run();
    });
  submit(wf, buildWiring);
  submit(form("prediction"), runPrediction);
  submit(form("neurons"), runNeurons);
  submit(form("beamforming"), runBeamforming);
  (out("neurons-time") as HTMLInputElement).addEventListener("input", (e) => drawNeuronStep(Number((e.target as HTMLInputElement).value)));
  const drop = out("data-drop");
  const input = $<HTMLInputElement>('input[type="file"]', drop);
  input.addEventListener("change", () => input.files?.[0] && void readFile(input.files[0]));
  drop.addEventListener("dragover", (e) => {
    e.preventDefault();
    drop.classList.add("over");
  });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    drop.classList.remove("over");
    const file = e.dataTransfer?.files[0];
    if (file) void readFile(file);
  });
  void showEnv().then(buildWiring);
}

init();
