/**
 * The lab's forms, declared once per panel: each field's control, label (with units), range and
 * default, how its value is read, and which CLI flag carries it. `buildForm` writes the controls
 * (native inputs in labels: keyboard-usable, each with an accessible name), `readForm` reads the
 * values with their types, `cliFlags` writes the matching command-line flags.
 */

interface Base<N extends string> {
  name: N;
  /** Label text, with the unit in parentheses where there is one. */
  label: string;
  /** The CLI flag (without `--`) that takes this value; none: not a CLI option. */
  cli?: string;
  /** Shown only when the form's `kind` select has one of these values. */
  for?: readonly string[];
}
export interface NumberField<N extends string = string> extends Base<N> {
  kind: "number";
  value: number;
  min?: number;
  max?: number;
  step?: number;
  /** The CLI value is the form value times this (e.g. ms → s: 0.001). */
  cliScale?: number;
}
export interface SelectField<N extends string = string> extends Base<N> {
  kind: "select";
  value: string;
  options: readonly (readonly [value: string, text: string])[];
}
export interface CheckField<N extends string = string> extends Base<N> {
  kind: "check";
  value: boolean;
  /** Drawn as a switch (role="switch"). */
  switch?: boolean;
  /** CLI flags when checked and when not (default: `--cli` when checked, nothing otherwise). */
  cliOn?: string;
  cliOff?: string;
}
export interface ChoiceField<N extends string = string> extends Base<N> {
  kind: "choices";
  /** [value, text, checked by default]; the CLI value is the checked values joined by commas. */
  options: readonly (readonly [value: string, text: string, checked: boolean])[];
}
export type Field = NumberField | SelectField | CheckField | ChoiceField;

type ValueOf<F> = F extends { kind: "number" }
  ? number
  : F extends { kind: "check" }
    ? boolean
    : F extends { kind: "choices" }
      ? string[]
      : string;
/** The values of a form with these fields, by name. */
export type FormValues<Fs extends readonly Field[]> = { [F in Fs[number] as F["name"]]: ValueOf<F> };

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, parent?: Element): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  parent?.appendChild(e);
  return e;
}

/** Write the fields' controls into `form`, before its submit button. */
export function buildForm(form: HTMLFormElement, fields: readonly Field[]): void {
  const before = form.querySelector("button[type=submit]");
  const add = (e: HTMLElement) => form.insertBefore(e, before);
  for (const f of fields) {
    let box: HTMLElement;
    if (f.kind === "choices") {
      box = el("fieldset");
      el("legend", {}, box).textContent = f.label;
      for (const [value, text, on] of f.options) {
        const l = el("label", {}, box);
        el("input", { type: "checkbox", name: f.name, value, ...(on ? { checked: "" } : {}) }, l);
        l.append(` ${text}`);
      }
    } else if (f.kind === "check") {
      box = el("label", f.switch ? { class: "switch" } : {});
      el("input", { type: "checkbox", name: f.name, ...(f.switch ? { role: "switch" } : {}), ...(f.value ? { checked: "" } : {}) }, box);
      box.append(` ${f.label}`);
    } else {
      box = el("label");
      box.append(`${f.label} `);
      if (f.kind === "select") {
        const s = el("select", { name: f.name }, box);
        for (const [value, text] of f.options)
          el("option", { value, ...(value === f.value ? { selected: "" } : {}) }, s).textContent = text;
      } else {
        const range = Object.fromEntries((["min", "max", "step"] as const).filter((k) => f[k] !== undefined).map((k) => [k, String(f[k])]));
        el("input", { name: f.name, type: "number", value: String(f.value), ...range }, box);
      }
    }
    if (f.for) box.dataset["for"] = f.for.join(" ");
    add(box);
  }
}

/** Read the fields' values from `form` (numbers as numbers, checkboxes as booleans, choices as lists). */
export function readForm<const Fs extends readonly Field[]>(form: HTMLFormElement, fields: Fs): FormValues<Fs> {
  const out: Record<string, unknown> = {};
  for (const f of fields) {
    if (f.kind === "choices")
      out[f.name] = [...form.querySelectorAll<HTMLInputElement>(`input[name="${f.name}"]:checked`)].map((i) => i.value);
    else {
      const e = form.elements.namedItem(f.name) as HTMLInputElement | HTMLSelectElement;
      out[f.name] = f.kind === "number" ? Number(e.value) : f.kind === "check" ? (e as HTMLInputElement).checked : e.value;
    }
  }
  return out as FormValues<Fs>;
}

/**
 * The CLI flags for these values: every field with a `cli` flag that is shown for `kind` (if the
 * form has one), in field order.
 */
export function cliFlags(fields: readonly Field[], values: Readonly<Record<string, unknown>>, kind?: string): string[] {
  const flags: string[] = [];
  for (const f of fields) {
    if (f.cli === undefined || (f.for && (kind === undefined || !f.for.includes(kind)))) continue;
    const v = values[f.name];
    if (f.kind === "check") {
      const flag = v ? (f.cliOn ?? `--${f.cli}`) : f.cliOff;
      if (flag) flags.push(flag);
    } else if (f.kind === "number") flags.push(`--${f.cli} ${Number((Number(v) * (f.cliScale ?? 1)).toPrecision(12))}`);
    else flags.push(`--${f.cli} ${Array.isArray(v) ? v.join(",") : String(v)}`);
  }
  return flags;
}

/** Show only the labels meant for the form's current `kind` (fields declared with `for`). */
export function syncKind(form: HTMLFormElement): void {
  const kind = (form.elements.namedItem("kind") as HTMLSelectElement).value;
  for (const label of form.querySelectorAll<HTMLElement>("[data-for]")) label.hidden = !label.dataset["for"]!.split(" ").includes(kind);
}
