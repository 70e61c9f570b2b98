// The state a TF op mapper sees while the TFJS → ONNX converter walks the graph: the ONNX graph under
// construction, convert-time constants (shapes, axes, paddings are read here, never computed at run time),
// and each tensor's element type.
import { FacegateError } from '../../errors.ts';
import { OnnxGraph, i64 } from './onnx.builder.ts';
import type { TfAttr, TfDType, TfNode, TfWeight } from './tfjs-model.reader.ts';

export type TensorType = TfDType | 'int64';

const DT: Record<string, TensorType> = { DT_FLOAT: 'float32', DT_INT32: 'int32', DT_BOOL: 'bool', DT_INT64: 'int64' };

/** `name:0` and `name` are the same tensor; `name:k` is output k. */
export function tensorName(ref: string): string {
  return ref.endsWith(':0') ? ref.slice(0, -2) : ref;
}

export class ConvertContext {
  /** Tensor name → element type, for tensors produced so far. */
  readonly types = new Map<string, TensorType>();
  /** Convert-time constants by tensor name (Const nodes). */
  readonly consts = new Map<string, TfWeight>();
  private readonly emitted = new Set<string>();

  constructor(readonly g: OnnxGraph) {}

  /** The ONNX tensor for a TF input reference, emitting a constant's initializer on first use. */
  tensor(ref: string): string {
    const name = tensorName(ref);
    const c = this.consts.get(name);
    if (c && !this.emitted.has(name)) {
      this.g.initializer(name, c.data, c.shape, c.dtype === 'bool' ? 'bool' : c.dtype);
      this.emitted.add(name);
    }
    if (!c && !this.types.has(name))
      throw new FacegateError('MODEL_CONVERSION_FAILED', `tensor ${name} is used before it is produced`);
    return name;
  }

  typeOf(ref: string): TensorType {
    const name = tensorName(ref);
    return this.consts.get(name)?.dtype ?? this.types.get(name) ?? 'float32';
  }

  constOf(ref: string): TfWeight | undefined {
    return this.consts.get(tensorName(ref));
  }

  /** A constant input's values as plain numbers; fails conversion when the input is computed at run time. */
  constInts(node: TfNode, index: number): number[] {
    const ref = node.input[index];
    const c = ref === undefined ? undefined : this.constOf(ref);
    if (!c)
      throw new FacegateError('MODEL_CONVERSION_FAILED', `${node.op} ${node.name}: input ${index} must be constant`);
    return Array.from(c.data, Number);
  }

  /** An int64 constant from plain numbers: ONNX takes shapes, axes, pads and slice bounds as int64 inputs. */
  int64Const(values: readonly number[]): string {
    return this.g.constant('i64', i64(values), [values.length]);
  }

  floatConst(values: readonly number[], dims: readonly number[] = [values.length]): string {
    return this.g.constant('f32', Float32Array.from(values), dims);
  }
}

/** Reads typed attributes of a TF node (TFJS stores ints as strings, strings base64). */
export class Attrs {
  constructor(private readonly node: TfNode) {}

  private get(name: string): TfAttr | undefined {
    return this.node.attr[name];
  }

  int(name: string, fallback?: number): number {
    const v = this.get(name)?.i;
    if (v === undefined) {
      if (fallback === undefined) throw this.missing(name);
      return fallback;
    }
    return Number(v);
  }

  ints(name: string, fallback?: number[]): number[] {
    const v = this.get(name)?.list?.i;
    if (v === undefined) {
      if (fallback === undefined) throw this.missing(name);
      return fallback;
    }
    return v.map(Number);
  }

  float(name: string, fallback: number): number {
    return this.get(name)?.f ?? fallback;
  }

  bool(name: string, fallback = false): boolean {
    return this.get(name)?.b ?? fallback;
  }

  str(name: string, fallback = ''): string {
    const s = this.get(name)?.s;
    return s === undefined ? fallback : Buffer.from(s, 'base64').toString('utf8');
  }

  strs(name: string): string[] {
    return (this.get(name)?.list?.s ?? []).map((s) => Buffer.from(s, 'base64').toString('utf8'));
  }

  /** A `shape` attribute's dims (Placeholder), undefined when absent or of unknown rank. */
  shapeDims(name: string): { size: string | number }[] | undefined {
    return this.get(name)?.shape?.dim;
  }

  type(name: string): TensorType | undefined {
    const t = this.get(name)?.type;
    return t === undefined ? undefined : DT[t];
  }

  private missing(name: string): FacegateError {
    return new FacegateError('MODEL_CONVERSION_FAILED', `${this.node.op} ${this.node.name}: attribute ${name} missing`);
  }
}
