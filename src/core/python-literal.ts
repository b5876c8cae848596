/**
 * A small parser for the Python literals that appear in ncps descriptions and golden files:
 * ints, floats, True/False/None, quoted strings, lists, tuples, dicts and calls such as
 * `AutoNCP(16, 2, sparsity_level=0.5)`. It evaluates nothing; a call becomes a
 * {@link PythonCall} record. Errors name the text and the column.
 */
import { fail } from "../core/errors.ts";

export type PythonValue = number | string | boolean | null | PythonValue[] | { [key: string]: PythonValue } | PythonCall;

/** `Name(arg, ..., key=value, ...)`. */
export interface PythonCall {
  call: string;
  args: PythonValue[];
  kwargs: Record<string, PythonValue>;
}

/** Keys that would reach an object's prototype: refused (numpy's own parser has no such keys either). */
const FORBIDDEN_KEYS = new Set(["__proto__", "constructor", "prototype"]);

export function isPythonCall(v: unknown): v is PythonCall {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    typeof (v as PythonCall).call === "string" &&
    Array.isArray((v as PythonCall).args)
  );
}

/** Parse one Python literal or call expression (the whole text must be consumed). */
export function parsePythonLiteral(text: string, where = "parsePythonLiteral"): PythonValue {
  if (typeof text !== "string") fail(where, `expected a string, got ${typeof text}`);
  let pos = 0;
  const show = text.length > 80 ? `${text.slice(0, 77)}...` : text;
  const err = (msg: string): never => fail(where, `${msg} at column ${pos + 1} of '${show}'`);
  const ws = () => {
    while (pos < text.length && /\s/.test(text[pos]!)) pos++;
  };
  const peek = () => {
    ws();
    return text[pos];
  };
  const expect = (ch: string) => {
    if (peek() !== ch) err(`expected '${ch}'`);
    pos++;
  };
  const ident = (): string | null => {
    ws();
    const m = /^[A-Za-z_][A-Za-z0-9_.]*/.exec(text.slice(pos));
    if (!m) return null;
    pos += m[0].length;
    return m[0];
  };
  const seq = (close: string, item: () => void) => {
    if (peek() === close) {
      pos++;
      return;
    }
    for (;;) {
      item();
      const c = peek();
      if (c === ",") {
        pos++;
        if (peek() === close) {
          pos++;
          return;
        }
        continue;
      }
      if (c === close) {
        pos++;
        return;
      }
      err(`expected ',' or '${close}'`);
    }
  };
  const value = (): PythonValue => {
    const c = peek();
    if (c === undefined) return err("unexpected end of text");
    if (c === "[" || c === "(") {
      pos++;
      const out: PythonValue[] = [];
      seq(c === "[" ? "]" : ")", () => out.push(value()));
      return out;
    }
    if (c === "{") {
      pos++;
      const out: Record<string, PythonValue> = {};
      seq("}", () => {
        const k = value();
        if (typeof k !== "string" && typeof k !== "number") err("dict keys must be strings or numbers");
        if (FORBIDDEN_KEYS.has(String(k))) err(`dict key '${String(k)}' is not allowed`);
        expect(":");
        out[String(k)] = value();
      });
      return out;
    }
    if (c === "'" || c === '"') {
      pos++;
      let s = "";
      while (pos < text.length && text[pos] !== c) {
        if (text[pos] === "\\") {
          pos++;
          const e = text[pos];
          s += e === "n" ? "\n" : e === "t" ? "\t" : (e ?? "");
        } else s += text[pos];
        pos++;
      }
      if (pos >= text.length) err("unterminated string");
      pos++;
      return s;
    }
    const num = /^[-+]?(?:\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+(?:[eE][-+]?\d+)?|inf|nan)/.exec(text.slice(pos));
    if (num && (/[\d.]/.test(num[0]) || /^[-+]/.test(num[0]))) {
      pos += num[0].length;
      const t = num[0].replace(/inf$/, "Infinity").replace(/nan$/, "NaN");
      return Number(t);
    }
    const start = pos;
    const name = ident();
    if (name === null) return err("unexpected character");
    if (name === "True") return true;
    if (name === "False") return false;
    if (name === "None") return null;
    if (name === "inf") return Infinity;
    if (name === "nan") return NaN;
    if (peek() !== "(") {
      pos = start;
      return err(`unknown name '${name}'`);
    }
    pos++;
    const call: PythonCall = { call: name, args: [], kwargs: {} };
    seq(")", () => {
      const save = pos;
      const key = ident();
      if (key !== null && peek() === "=" && text[pos + 1] !== "=") {
        pos++;
        if (FORBIDDEN_KEYS.has(key)) err(`keyword argument '${key}' is not allowed`);
        if (Object.hasOwn(call.kwargs, key)) err(`keyword argument '${key}' given twice`);
        call.kwargs[key] = value();
      } else {
        pos = save;
        if (Object.keys(call.kwargs).length > 0) err("positional argument follows keyword argument");
        call.args.push(value());
      }
    });
    return call;
  };
  const v = value();
  ws();
  if (pos < text.length) err("unexpected trailing text");
  return v;
}

/**
 * Parse `value` if it is a string holding a Python literal (a list, tuple, dict, number, quoted
 * string or constant); leave other values — and strings such as "AutoNCP(16, 2)" that merely
 * name a call — unchanged.
 */
export function maybePythonLiteral(value: unknown, where?: string): unknown {
  if (typeof value !== "string") return value;
  const t = value.trim();
  if (!/^[[({'"]|^[-+]?(\d|\.\d)|^(True|False|None|nan|inf)$/.test(t)) return value;
  try {
    return parsePythonLiteral(t, where);
  } catch {
    return value;
  }
}
