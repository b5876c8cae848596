/**
 * The lab page: forms, charts and the Web Worker client. No library computation runs on this
 * thread; the worker (worker.ts) does it all and sends plain data back.
 */
import { fmt, heatmap, lineChart, type Series, svgEl, ticks } from "./charts.ts";
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
const num = (f: HTMLFormElement, name: string): number => Number((f.elements.namedItem(name) as HTMLInputElement).value);
const str = (f: HTMLFormElement, name: string): string => (f.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement).value;
const checked = (f: HTMLFormElement, name: string): boolean => (f.elements.namedItem(name) as HTMLInputElement).checked;
const checkedValues = (f: HTMLFormElement, name: string): string[] =>
  [...f.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((i) => i.value);

function table(el: HTMLElement, head: string[], rows: (string | number)[][]): void {
  el.replaceChildren();
  const tr = el.appendChild(document.createElement("thead")).appendChild(document.createElement("tr"));
  for (const h of head) tr.appendChild(document.createElement("th")).textContent = h;
  const body = el.appendChild(document.createElement("tbody"));
  for (const r of rows) {
    const row = body.appendChild(document.createElement("tr"));
    for (const c of r) row.appendChild(document.createElement("td")).textContent = typeof c === "number" ? fmt(c, 4) : c;
  }
}

/** Run a panel's job with its button disabled; errors are shown in the panel. */
async function busy(panel: string, status: HTMLElement, job: () => Promise<void>): Promise<void> {
  const button = $<HTMLButtonElement>(`[data-panel="${panel}"] button[type="submit"]`);
  const section = $(`[data-panel="${panel}"]`);
  button.disabled = true;
  section.setAttribute("aria-busy", "true");
  section.dataset["state"] = "running";
  delete lab.errors[panel];
  const t0 = performance.now();
  try {
    await job();
    section.dataset["state"] = "done";
    section.dataset["seconds"] = ((performance.now() - t0) / 1000).toFixed(2);
  } catch (e) {
    lab.errors[panel] = (e as Error).message;
    section.dataset["state"] = "error";
    status.textContent = (e as Error).message;
    status.classList.add("error");
  } finally {
    button.disabled = false;
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
const WIRING_DEFAULT_SEED: Record<string, number> = { autoncp: 22222, ncp: 22222, "fully-connected": 1111, random: 1111 };

function wiringSpec(f: HTMLFormElement): WiringSpec {
  return {
    kind: str(f, "kind") as WiringSpec["kind"],
    inputs: num(f, "inputs"),
    units: num(f, "units"),
    outputs: num(f, "outputs"),
    sparsity: num(f, "sparsity"),
    seed: num(f, "seed"),
    selfConnections: checked(f, "selfConnections"),
    inter: num(f, "inter"),
    command: num(f, "command"),
    sensoryFanout: num(f, "sensoryFanout"),
    interFanout: num(f, "interFanout"),
    recurrentCommand: num(f, "recurrentCommand"),
    motorFanin: num(f, "motorFanin"),
  };
}

function wiringCli(s: WiringSpec): string {
  const base = `liquidwave wiring show --type ${s.kind} --inputs ${s.inputs} --outputs ${s.outputs} --seed ${s.seed}`;
  switch (s.kind) {
    case "autoncp":
      return `${base} --units ${s.units} --sparsity ${s.sparsity} --json`;
    case "random":
      return `${base} --units ${s.units} --sparsity ${s.sparsity} --json`;
    case "fully-connected":
      return `${base} --units ${s.units}${s.selfConnections ? "" : " --no-self-connections"} --json`;
    case "ncp":
      return `${base} --inter ${s.inter} --command ${s.command} --sensory-fanout ${s.sensoryFanout} --inter-fanout ${s.interFanout} --recurrent-command ${s.recurrentCommand} --motor-fanin ${s.motorFanin} --json`;
  }
}

function syncWiringFields(f: HTMLFormElement): void {
  const kind = str(f, "kind");
  for (const label of f.querySelectorAll<HTMLElement>("label[data-for]")) label.hidden = !label.dataset["for"]!.split(" ").includes(kind);
}

async function buildWiring(): Promise<void> {
  const f = form("wiring");
  const status = out("wiring-summary");
  status.classList.remove("error");
  await busy("wiring", status, async () => {
    const spec = wiringSpec(f);
    const w = await call<WiringView>({ type: "wiring", spec });
    lab.wiring = w;
    const layers = w.groups.map((g) => `${g.ids.length} ${g.type}`).join(", ");
    status.textContent = `${w.className}: ${w.units} neurons (${layers}), ${w.inputDim} inputs, ${w.synapses} synapses + ${w.sensorySynapses} sensory (${w.excitatory} excitatory, ${w.inhibitory} inhibitory).`;
    drawWiring(out("wiring-graph"), w, { width: 1100, title: `${w.className} wiring, seed ${spec.seed}: synapses by layer and polarity` });
    out("wiring-cli").textContent = `$ ${wiringCli(spec)}`;
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
function predictionOptions(f: HTMLFormElement): Record<string, unknown> {
  const o: Record<string, unknown> = {
    preset: str(f, "preset"),
    users: num(f, "users"),
    samples: num(f, "samples"),
    speed: num(f, "speed"),
    dt: num(f, "dtMs") / 1000,
    snrDb: num(f, "snrDb"),
    history: num(f, "history"),
    horizon: num(f, "horizon"),
    epochs: num(f, "epochs"),
    seed: num(f, "seed"),
    models: checkedValues(f, "model"),
  };
  if (checked(f, "irregular")) o["maxGap"] = 3;
  return o;
}

function predictCli(o: Record<string, unknown>): string {
  const flag = (k: string) => k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
  const parts = Object.entries(o).map(([k, v]) => `--${flag(k)} ${Array.isArray(v) ? v.join(",") : String(v)}`);
  return `liquidwave predict ${parts.join(" ")} --json`;
}

async function runPrediction(): Promise<void> {
  const f = form("prediction");
  const status = out("prediction-status");
  status.classList.remove("error");
  await busy("prediction", status, async () => {
    const options = predictionOptions(f);
    if ((options["models"] as string[]).length === 0) throw new Error("choose at least one model");
    lab.predictionOptions = options;
    out("prediction-cli").textContent = `$ ${predictCli(options)}`;
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

function neuronOptions(f: HTMLFormElement): NeuronOptions {
  return {
    preset: str(f, "preset") as NeuronOptions["preset"],
    speed: num(f, "speed"),
    dtMs: num(f, "dtMs"),
    snrDb: num(f, "snrDb"),
    units: num(f, "units"),
    sparsity: num(f, "sparsity"),
    epochs: num(f, "epochs"),
    seed: num(f, "seed"),
    length: num(f, "length"),
    reuse: checked(f, "reuse"),
  };
}

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
  const f = form("neurons");
  const status = out("neurons-status");
  status.classList.remove("error");
  await busy("neurons", status, async () => {
    const o = neuronOptions(f);
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
function beamformOptions(f: HTMLFormElement): BeamformOptions {
  return {
    preset: str(f, "preset") as BeamformOptions["preset"],
    users: num(f, "users"),
    antennas: num(f, "antennas"),
    samples: num(f, "samples"),
    speed: num(f, "speed"),
    dtMs: num(f, "dtMs"),
    powerDbm: num(f, "powerDbm"),
    noiseDbm: num(f, "noiseDbm"),
    seed: num(f, "seed"),
    algorithms: checkedValues(f, "algorithm"),
  };
}

function drawMap(container: HTMLElement, v: BeamformView): void {
  const pts = v.positions.flat();
  container.replaceChildren();
  if (pts.length === 0) {
    container.textContent = "This channel has no geometry (Rayleigh): no map.";
    return;
  }
  const [bx, by] = v.bs;
  const xs = [bx, ...pts.map((p) => p[0]!)];
  const ys = [by, ...pts.map((p) => p[1]!), ...(v.street ? [0, v.street.width] : [])];
  let [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const span = Math.max(x1 - x0, y1 - y0, 10) * 1.15;
  const cx = (x0 + x1) / 2;
  const cy = (y0 + y1) / 2;
  [x0, x1, y0, y1] = [cx - span / 2, cx + span / 2, cy - span / 2, cy + span / 2];
  const W = 440;
  const H = 400;
  const L = 64;
  const R = W - 16;
  const T = 44;
  const B = H - 40;
  const sx = (x: number) => L + ((x - x0) / (x1 - x0)) * (R - L);
  const sy = (y: number) => B - ((y - y0) / (y1 - y0)) * (B - T);
  const title = v.street
    ? `Street map: users' tracks in a ${fmt(v.street.width)} m wide street canyon`
    : "Map: users' tracks around the base station";
  const svg = svgEl("svg", { viewBox: `0 0 ${W} ${H}`, class: "chart", role: "img", "aria-label": title }, container);
  svgEl("text", { x: L, y: 16, class: "chart-title" }, svg).textContent = title;
  svgEl("text", { x: (L + R) / 2, y: H - 6, "text-anchor": "middle", class: "axis-label" }, svg).textContent = "x (m)";
  svgEl(
    "text",
    { x: 14, y: (T + B) / 2, "text-anchor": "middle", class: "axis-label", transform: `rotate(-90 14 ${(T + B) / 2})` },
    svg,
  ).textContent = "y (m)";
  const clip = svgEl("clipPath", { id: "map-clip" }, svgEl("defs", {}, svg));
  svgEl("rect", { x: L, y: T, width: R - L, height: B - T }, clip);
  if (v.street) {
    // Buildings beyond the facades (y < 0 and y > W), the street between them.
    const g = svgEl("g", { "clip-path": "url(#map-clip)" }, svg);
    svgEl("rect", { x: L, y: sy(v.street.width) - 2000, width: R - L, height: 2000, class: "building" }, g);
    svgEl("rect", { x: L, y: sy(0), width: R - L, height: 2000, class: "building" }, g);
    svgEl("text", { x: R - 6, y: sy(v.street.width) - 6, "text-anchor": "end", class: "tick" }, svg).textContent = "buildings";
    svgEl("text", { x: R - 6, y: sy(0) + 14, "text-anchor": "end", class: "tick" }, svg).textContent = "buildings";
  }
  const g = svgEl("g", { class: "axes" }, svg);
  svgEl("rect", { x: L, y: T, width: R - L, height: B - T, fill: "none", stroke: "var(--line)" }, g);
  for (const xv of ticks(x0, x1, 4)) svgEl("text", { x: sx(xv), y: B + 14, "text-anchor": "middle" }, g).textContent = fmt(xv);
  for (const yv of ticks(y0, y1, 4)) svgEl("text", { x: L - 4, y: sy(yv) + 4, "text-anchor": "end" }, g).textContent = fmt(yv);
  svgEl("path", { d: `M${sx(bx)},${sy(by) - 9}L${sx(bx) - 7},${sy(by) + 6}L${sx(bx) + 7},${sy(by) + 6}Z`, fill: "var(--fg)" }, svg);
  svgEl("text", { x: sx(bx) + 9, y: sy(by) + 4 }, svg).textContent = "BS";
  v.positions.forEach((track, k) => {
    const d = track.map((p, t) => `${t ? "L" : "M"}${sx(p[0]!).toFixed(1)},${sy(p[1]!).toFixed(1)}`).join("");
    svgEl("path", { d, fill: "none", stroke: `var(--c${k % 8})`, "stroke-width": 2.5 }, svg);
    const end = track[track.length - 1]!;
    svgEl("circle", { cx: sx(end[0]!), cy: sy(end[1]!), r: 4, fill: `var(--c${k % 8})` }, svg);
    svgEl("text", { x: sx(end[0]!) + 6, y: sy(end[1]!) - 6 }, svg).textContent = `user ${k + 1}`;
  });
  const dist = v.positions.map((tr) => Math.hypot(tr[0]![0]! - tr[tr.length - 1]![0]!, tr[0]![1]! - tr[tr.length - 1]![1]!));
  svgEl("text", { x: L + 4, y: T + 14, class: "tick" }, svg).textContent =
    `users move up to ${fmt(Math.max(...dist))} m in ${fmt(v.timeMs[v.timeMs.length - 1]!)} ms (dot: last position)`;
}

async function runBeamforming(): Promise<void> {
  const f = form("beamforming");
  const status = out("beamforming-status");
  status.classList.remove("error");
  await busy("beamforming", status, async () => {
    const o = beamformOptions(f);
    if (o.algorithms.length === 0) throw new Error("choose at least one beamformer");
    status.textContent = "simulating and beamforming…";
    const v = await call<BeamformView>({ type: "beamform", options: o }, (p) => {
      if (p.kind === "log") status.textContent = p.message;
    });
    lab.beamforming = v;
    drawMap(out("beamforming-map"), v);
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
    const cli = `liquidwave beamform --preset ${o.preset} --users ${o.users} --antennas ${o.antennas} --user-antennas 1 --samples ${o.samples} --speed ${o.speed} --dt ${o.dtMs / 1000} --power-dbm ${o.powerDbm} --noise-dbm ${o.noiseDbm} --seed ${o.seed} --algorithms ${o.algorithms.join(",")} --json`;
    out("beamforming-cli").textContent = `$ ${cli}`;
  });
}

// ---- 5. data
async function readFile(file: File): Promise<void> {
  const status = out("data-status");
  status.classList.remove("error");
  const section = $('[data-panel="data"]');
  section.dataset["state"] = "running";
  delete lab.errors["data"];
  status.textContent = `reading ${file.name} (${fmt(file.size / 1024)} KiB)…`;
  try {
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
    section.dataset["state"] = "done";
  } catch (e) {
    lab.errors["data"] = (e as Error).message;
    section.dataset["state"] = "error";
    status.textContent = (e as Error).message;
    status.classList.add("error");
  }
}

// ---- wiring up
function init(): void {
  const wf = form("wiring");
  syncWiringFields(wf);
  (wf.elements.namedItem("kind") as HTMLSelectElement).addEventListener("change", () => {
    syncWiringFields(wf);
    (wf.elements.namedItem("seed") as HTMLInputElement).value = String(WIRING_DEFAULT_SEED[str(wf, "kind")] ?? 1111);
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
