/**
 * A parser for Python literals as printed by `repr()` (dicts, lists, tuples, str, int, float incl.
 * nan/inf, True/False/None). The ncps golden files store nested values this way. Floats printed by
 * `repr` are shortest round-trip decimals, so `Number()` recovers the exact float64.
 */
import { fail } from "./errors.ts";

/** Parse one Python literal; JSON-compatible output (tuples become arrays). */
export function parsePythonLiteral(text: string, where = "parsePythonLiteral"): unknown {
  let i = 0;
  const n = text.length;
  const ws = () => {
    while (i < n && /\s/.test(text[i]!)) i++;
  };
  const err = (msg: string): never => fail(where, `${msg} at offset ${i} near '${text.slice(i, i + 20)}'`);
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === "{") return dict();
    if (c === "[" || c === "(") return seq(c === "[" ? "]" : ")");
    if (c === "'" || c === '"') return str();
    return atom();
  };
  const seq = (close: string): unknown[] => {
    i++;
    const out: unknown[] = [];
    for (;;) {
      ws();
      if (text[i] === close) {
        i++;
        return out;
      }
      out.push(value());
      ws();
      if (text[i] === ",") i++;
      else if (text[i] !== close) err(`expected ',' or '${close}'`);
    }
  };
  const dict = (): Record<string, unknown> => {
    i++;
    const out: Record<string, unknown> = {};
    for (;;) {
      ws();
      if (text[i] === "}") {
        i++;
        return out;
      }
      const key = value();
      ws();
      if (text[i] !== ":") err("expected ':'");
      i++;
      out[String(key)] = value();
      ws();
      if (text[i] === ",") i++;
      else if (text[i] !== "}") err("expected ',' or '}'");
    }
  };
  const str = (): string => {
    const q = text[i++]!;
    let out = "";
    while (i < n && text[i] !== q) {
      if (text[i] === "\\") {
        const e = text[i + 1];
        out += e === "n" ? "\n" : e === "t" ? "\t" : (e ?? "");
        i += 2;
      } else out += text[i++];
    }
    if (i >= n) err("unterminated string");
    i++;
    return out;
  };
  const atom = (): unknown => {
    const m = /^[-+]?(?:nan|inf|\d[\d_]*\.?\d*(?:e[-+]?\d+)?|\.\d+(?:e[-+]?\d+)?)|^True|^False|^None/i.exec(text.slice(i, i + 64));
    if (!m) return err("unexpected token");
    i += m[0].length;
    const t = m[0];
    if (t === "True") return true;
    if (t === "False") return false;
    if (t === "None") return null;
    const lower = t.toLowerCase();
    if (lower.endsWith("nan")) return NaN;
    if (lower.endsWith("inf")) return lower.startsWith("-") ? -Infinity : Infinity;
    return Number(t.replace(/_/g, ""));
  };
  const out = value();
  ws();
  if (i !== n) err("trailing characters");
  return out;
}

/** Parse `value` if it is a string holding a Python literal; return other values unchanged. */
export function maybePythonLiteral(value: unknown, where?: string): unknown {
  if (typeof value !== "string") return value;
  const t = value.trim();
  if (/^[[({'"]|^[-+]?\d|^(True|False|None|nan|inf)$/.test(t)) {
    try {
      return parsePythonLiteral(t, where);
    } catch {
      return value; // a plain string that merely looks like a literal (e.g. "AutoNCP(16, 2)")
    }
  }
  return value;
}
