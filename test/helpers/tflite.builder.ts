// Test helper: writes small TFLite flatbuffers (schema tensorflow/lite/schema/schema.fbs) from a plain description,
// so that each converter operator can be checked on a hand-built graph. Objects are laid out front to back: a table's
// vtable right before it, its children after it (FlatBuffers offsets to children are unsigned, pointing forward).

type Scalar = { kind: 'i8' | 'u8'; v: number } | { kind: 'i32' | 'u32'; v: number } | { kind: 'f32'; v: number };
type Child = { kind: 'table'; t: Table } | { kind: 'tables'; t: Table[] } | { kind: 'i32s'; v: number[] };
type Field = Scalar | Child | { kind: 'bytes'; v: Uint8Array } | { kind: 'string'; v: string } | undefined;
interface Table {
  fields: Field[];
}

export const i8 = (v: number): Field => ({ kind: 'i8', v });
export const i32 = (v: number): Field => ({ kind: 'i32', v });
export const f32 = (v: number): Field => ({ kind: 'f32', v });
export const bool = (v: boolean): Field => ({ kind: 'u8', v: v ? 1 : 0 });

class Writer {
  private buf = new Uint8Array(1024);
  private view = new DataView(this.buf.buffer);
  len = 0;

  private grow(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const next = new Uint8Array(Math.max(this.buf.length * 2, this.len + n));
    next.set(this.buf);
    this.buf = next;
    this.view = new DataView(next.buffer);
  }

  align(n: number): void {
    while (this.len % n) this.u8(0);
  }

  u8(v: number): void {
    this.grow(1);
    this.view.setUint8(this.len++, v);
  }

  u16(v: number): void {
    this.grow(2);
    this.view.setUint16(this.len, v, true);
    this.len += 2;
  }

  i32(v: number): void {
    this.grow(4);
    this.view.setInt32(this.len, v, true);
    this.len += 4;
  }

  f32(v: number): void {
    this.grow(4);
    this.view.setFloat32(this.len, v, true);
    this.len += 4;
  }

  patch(at: number, target: number): void {
    this.view.setUint32(at, target - at, true);
  }

  bytes(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}

function writeTable(w: Writer, t: Table): number {
  // Inline field layout: 4-byte soffset, then each present field (4-byte aligned for simplicity).
  const offsets: number[] = [];
  let inline = 4;
  for (const f of t.fields) {
    if (!f) {
      offsets.push(0);
      continue;
    }
    offsets.push(inline);
    inline += 4;
  }
  w.align(2);
  const vtableAt = w.len;
  w.u16(4 + 2 * t.fields.length);
  w.u16(inline);
  for (const o of offsets) w.u16(o);
  w.align(4);
  const tableAt = w.len;
  w.i32(tableAt - vtableAt);
  const pending: [number, Field][] = [];
  for (const f of t.fields) {
    if (!f) continue;
    const at = w.len;
    if (f.kind === 'i8' || f.kind === 'u8') {
      w.u8(f.v & 0xff);
      w.u8(0);
      w.u8(0);
      w.u8(0);
    } else if (f.kind === 'i32' || f.kind === 'u32') w.i32(f.v);
    else if (f.kind === 'f32') w.f32(f.v);
    else {
      w.i32(0);
      pending.push([at, f]);
    }
  }
  for (const [at, f] of pending) w.patch(at, writeChild(w, f!));
  return tableAt;
}

function writeChild(w: Writer, f: Field): number {
  w.align(4);
  const at = w.len;
  if (f!.kind === 'table') return writeTable(w, f!.t);
  if (f!.kind === 'i32s') {
    w.i32(f!.v.length);
    for (const v of f!.v) w.i32(v);
  } else if (f!.kind === 'bytes') {
    w.i32(f!.v.length);
    for (const b of f!.v) w.u8(b);
  } else if (f!.kind === 'string') {
    const s = new TextEncoder().encode(f!.v);
    w.i32(s.length);
    for (const b of s) w.u8(b);
    w.u8(0);
  } else if (f!.kind === 'tables') {
    w.i32(f!.t.length);
    const slots = f!.t.map(() => {
      const s = w.len;
      w.i32(0);
      return s;
    });
    f!.t.forEach((t, k) => {
      w.align(4);
      w.patch(slots[k]!, writeTable(w, t));
    });
  }
  return at;
}

export interface TensorSpec {
  shape: number[];
  /** TFLite TensorType code (0 float32, 1 float16, 2 int32, 6 bool). */
  type?: number;
  /** Constant contents. */
  data?: Float32Array | Int32Array | Uint16Array;
  name?: string;
}

export interface OperatorSpec {
  /** BuiltinOperator code. */
  op: number;
  inputs: number[];
  outputs: number[];
  /** The builtin options table's fields, by field number (undefined = absent). */
  options?: Field[];
}

/** A one-subgraph TFLite model. Buffer 0 is the empty buffer, as the converter writes it. */
export function buildTflite(spec: {
  tensors: TensorSpec[];
  operators: OperatorSpec[];
  inputs: number[];
  outputs: number[];
}): Uint8Array {
  const codes = [...new Set(spec.operators.map((o) => o.op))];
  const buffers: Table[] = [{ fields: [] }];
  const tensors = spec.tensors.map((t, i): Table => {
    let buffer = 0;
    if (t.data) {
      buffers.push({ fields: [{ kind: 'bytes', v: new Uint8Array(t.data.buffer.slice(0)) }] });
      buffer = buffers.length - 1;
    }
    return {
      fields: [
        { kind: 'i32s', v: t.shape },
        i8(t.type ?? 0),
        { kind: 'u32', v: buffer },
        { kind: 'string', v: t.name ?? `t${i}` },
      ],
    };
  });
  const operators = spec.operators.map((o): Table => ({
    fields: [
      { kind: 'u32', v: codes.indexOf(o.op) },
      { kind: 'i32s', v: o.inputs },
      { kind: 'i32s', v: o.outputs },
      o.options ? i8(1) : undefined,
      o.options ? { kind: 'table', t: { fields: o.options } } : undefined,
    ],
  }));
  const model: Table = {
    fields: [
      { kind: 'u32', v: 3 },
      { kind: 'tables', t: codes.map((c) => ({ fields: [i8(Math.min(c, 127)), undefined, i32(1), i32(c)] })) },
      {
        kind: 'tables',
        t: [
          {
            fields: [
              { kind: 'tables', t: tensors },
              { kind: 'i32s', v: spec.inputs },
              { kind: 'i32s', v: spec.outputs },
              { kind: 'tables', t: operators },
            ],
          },
        ],
      },
      undefined,
      { kind: 'tables', t: buffers },
    ],
  };
  const w = new Writer();
  w.i32(0); // root offset, patched below
  for (const ch of 'TFL3') w.u8(ch.charCodeAt(0));
  const root = writeTable(w, model);
  w.patch(0, root);
  return w.bytes();
}
