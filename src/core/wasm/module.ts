/**
 * A tiny WebAssembly module assembler: function bodies are written with typed expressions
 * ({@link Expr}) and structured control flow, and {@link ModuleBuilder.toBytes} produces the
 * binary module (WebAssembly core specification §5.5: type, import, function, export and code sections).
 *
 * Scope: what the numerical kernels need — one imported (shared) memory, imported and defined
 * functions, i32/i64/f64/v128 locals, blocks, loops, ifs and branches. No tables, globals or data
 * segments: constant tables live in the heap and their addresses are baked in as constants.
 */
import { ByteSink } from "./encode.ts";
import { Local, VALTYPE_CODE, callExpr, type Expr, type ExprType, type ValType } from "./expr.ts";

export interface Signature {
  readonly params: readonly ValType[];
  readonly results: readonly ValType[];
}

/** A function of the module (imported or defined) that can be called. */
export interface FuncRef {
  readonly index: number;
  readonly name: string;
  readonly sig: Signature;
}

/** A branch target: the enclosing block (branch = exit) or loop (branch = next iteration). */
export class Label {
  constructor(readonly depth: number) {}
}

/** A tuple of `N` elements of type `T` (N a literal). */
export type Tuple<T, N extends number, A extends T[] = []> = A["length"] extends N ? A : Tuple<T, N, [...A, T]>;

/** Writes one function body. Statements are emitted in call order. */
export class FunctionBuilder {
  readonly params: Local[];
  private readonly declared: Local[] = [];
  private readonly code = new ByteSink();
  private depth = 0;

  constructor(readonly ref: FuncRef) {
    this.params = ref.sig.params.map((t, i) => new Local(i, t, `p${i}`));
  }

  /**
   * The function's parameters as a tuple of `n` locals, for destructuring by name; `n` must be the
   * signature's parameter count (else an error when the module is assembled, before it loads).
   */
  args<N extends number>(n: N): Tuple<Local, N> {
    if (this.params.length !== n)
      throw new Error(`wasm function ${this.ref.name}: ${n} parameters destructured, the signature has ${this.params.length}`);
    return this.params as Tuple<Local, N>;
  }

  /** A new local of the given type (zero-initialised by the engine). */
  local(type: ValType, name = ""): Local {
    const l = new Local(this.params.length + this.declared.length, type, name);
    this.declared.push(l);
    return l;
  }

  /** Several new locals of one type. */
  locals(type: ValType, n: number, name = ""): Local[] {
    return Array.from({ length: n }, (_, i) => this.local(type, `${name}${i}`));
  }

  set(l: Local, e: Expr): void {
    this.expect(`set ${l.name}`, e, l.type);
    e.emit(this.code);
    this.code.byte(0x21).u32(l.index);
  }

  /** local.tee as an expression: stores and yields the value. */
  tee(l: Local, e: Expr): Expr {
    this.expect(`tee ${l.name}`, e, l.type);
    return {
      type: l.type,
      emit: (o) => {
        e.emit(o);
        o.byte(0x22).u32(l.index);
      },
    };
  }

  /** Emit an expression as a statement (stores, calls); a value it leaves is dropped. */
  do(e: Expr): void {
    e.emit(this.code);
    if (e.type !== "void") this.code.byte(0x1a);
  }

  /** `block ... end`; `body` receives the label whose branch exits the block. */
  block(body: (exit: Label) => void): void {
    this.code.byte(0x02).byte(0x40);
    this.nested(body);
  }

  /** `loop ... end`; branching to the label starts the next iteration. */
  loop(body: (next: Label) => void): void {
    this.code.byte(0x03).byte(0x40);
    this.nested(body);
  }

  if(cond: Expr, then: () => void, otherwise?: () => void): void {
    this.expect("if", cond, "i32");
    cond.emit(this.code);
    this.code.byte(0x04).byte(0x40);
    this.depth++;
    then();
    if (otherwise) {
      this.code.byte(0x05);
      otherwise();
    }
    this.depth--;
    this.code.byte(0x0b);
  }

  br(l: Label): void {
    this.code.byte(0x0c).u32(this.depth - 1 - l.depth);
  }

  brIf(l: Label, cond: Expr): void {
    this.expect("br_if", cond, "i32");
    cond.emit(this.code);
    this.code.byte(0x0d).u32(this.depth - 1 - l.depth);
  }

  ret(e?: Expr): void {
    e?.emit(this.code);
    this.code.byte(0x0f);
  }

  /**
   * Counted loop `for (i = from; i < to; i += step) body()` on an i32 local (signed compare);
   * `to` is re-evaluated each iteration, so pass a local or a constant.
   */
  for(i: Local, from: Expr, to: Expr, step: number, body: () => void): void {
    this.set(i, from);
    this.block((exit) => {
      this.loop((next) => {
        this.brIf(exit, {
          type: "i32",
          emit: (o) => {
            i.get().emit(o);
            to.emit(o);
            o.byte(0x4e);
          },
        }); // i32.ge_s
        body();
        this.set(i, {
          type: "i32",
          emit: (o) => {
            i.get().emit(o);
            o.byte(0x41).i32(step);
            o.byte(0x6a);
          },
        });
        this.br(next);
      });
    });
  }

  /** `while (cond) body()`; `cond` is re-evaluated before every iteration. */
  while(cond: Expr, body: () => void): void {
    this.block((exit) => {
      this.loop((next) => {
        this.brIf(exit, {
          type: "i32",
          emit: (o) => {
            cond.emit(o);
            o.byte(0x45);
          },
        }); // i32.eqz
        body();
        this.br(next);
      });
    });
  }

  /** Call a function of this module. */
  call(fn: FuncRef, ...args: Expr[]): Expr {
    const res: ExprType = fn.sig.results.length === 0 ? "void" : fn.sig.results[0]!;
    if (fn.sig.results.length > 1) throw new Error(`call ${fn.name}: multiple results are not supported`);
    return callExpr(fn.index, args, fn.sig.params, res);
  }

  /** Body bytes: locals vector, code, end. */
  encode(): Uint8Array {
    if (this.depth !== 0) throw new Error(`${this.ref.name}: unbalanced blocks`);
    const out = new ByteSink();
    out.u32(this.declared.length);
    for (const l of this.declared) out.u32(1).byte(VALTYPE_CODE[l.type]);
    out.bytes(this.code.toBytes()).byte(0x0b);
    return out.toBytes();
  }

  private nested(body: (l: Label) => void): void {
    const label = new Label(this.depth);
    this.depth++;
    body(label);
    this.depth--;
    this.code.byte(0x0b);
  }

  private expect(what: string, e: Expr, t: ExprType): void {
    if (e.type !== t) throw new Error(`${this.ref.name}: ${what} needs ${t}, got ${e.type}`);
  }
}

interface MemoryImport {
  module: string;
  field: string;
  initial: number;
  maximum: number;
  shared: boolean;
}

/** Builds a module: declare imports first, then define functions (indices follow imports). */
export class ModuleBuilder {
  private memory: MemoryImport | null = null;
  private readonly funcImports: { module: string; field: string; ref: FuncRef }[] = [];
  private readonly defined: { ref: FuncRef; body: Uint8Array; exported: boolean }[] = [];

  importMemory(module: string, field: string, limits: { initial: number; maximum: number; shared: boolean }): void {
    this.memory = { module, field, ...limits };
  }

  importFunction(module: string, field: string, sig: Signature): FuncRef {
    if (this.defined.length > 0) throw new Error("declare imports before defining functions");
    const ref = { index: this.funcImports.length, name: `${module}.${field}`, sig };
    this.funcImports.push({ module, field, ref });
    return ref;
  }

  /** Define (and by default export) a function whose body `build` writes. */
  function(name: string, sig: Signature, build: (f: FunctionBuilder) => void, { exported = true } = {}): FuncRef {
    const ref = { index: this.funcImports.length + this.defined.length, name, sig };
    const f = new FunctionBuilder(ref);
    build(f);
    this.defined.push({ ref, body: f.encode(), exported });
    return ref;
  }

  /** The encoded body (locals and code) of the defined function `name` (tests compare them). */
  functionBody(name: string): Uint8Array | undefined {
    return this.defined.find((d) => d.ref.name === name)?.body;
  }

  /** Name and signature of every exported function, in definition order. */
  exportedFunctions(): { name: string; sig: Signature }[] {
    return this.defined.filter((d) => d.exported).map((d) => ({ name: d.ref.name, sig: d.ref.sig }));
  }

  toBytes(): Uint8Array<ArrayBuffer> {
    const types: Signature[] = [];
    const typeKey = (s: Signature) => `${s.params.join(",")}->${s.results.join(",")}`;
    const typeIndex = (s: Signature) => {
      let i = types.findIndex((t) => typeKey(t) === typeKey(s));
      if (i < 0) i = types.push(s) - 1;
      return i;
    };
    const all = [...this.funcImports.map((f) => f.ref), ...this.defined.map((d) => d.ref)];
    const sigIdx = all.map((r) => typeIndex(r.sig));

    const out = new ByteSink().bytes([0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00]);
    const section = (id: number, write: (s: ByteSink) => void) => {
      const s = new ByteSink();
      write(s);
      out.byte(id).u32(s.length).bytes(s.toBytes());
    };
    section(1, (s) => {
      s.u32(types.length);
      for (const t of types) {
        s.byte(0x60).u32(t.params.length);
        for (const p of t.params) s.byte(VALTYPE_CODE[p]);
        s.u32(t.results.length);
        for (const r of t.results) s.byte(VALTYPE_CODE[r]);
      }
    });
    const nImports = this.funcImports.length + (this.memory ? 1 : 0);
    if (nImports > 0)
      section(2, (s) => {
        s.u32(nImports);
        if (this.memory) {
          const m = this.memory;
          // limits flags: bit 0 = has maximum, bit 1 = shared (threads proposal).
          s.name(m.module)
            .name(m.field)
            .byte(0x02)
            .byte((m.shared ? 2 : 0) | 1)
            .u32(m.initial)
            .u32(m.maximum);
        }
        this.funcImports.forEach((f, i) => s.name(f.module).name(f.field).byte(0x00).u32(sigIdx[i]!));
      });
    section(3, (s) => {
      s.u32(this.defined.length);
      this.defined.forEach((_, i) => s.u32(sigIdx[this.funcImports.length + i]!));
    });
    const exported = this.defined.filter((d) => d.exported);
    section(7, (s) => {
      s.u32(exported.length);
      for (const d of exported) s.name(d.ref.name).byte(0x00).u32(d.ref.index);
    });
    section(10, (s) => {
      s.u32(this.defined.length);
      for (const d of this.defined) s.u32(d.body.length).bytes(d.body);
    });
    return out.toBytes();
  }
}
