// Kernels of the direct TFLite interpreter (tflite.reference.ts): plain loops over NHWC arrays, written from the
// operators' definitions and independently of the ONNX converter. Every value is held as float32; booleans are 0/1.
import { FacegateError } from '../../errors.ts';

export interface Arr {
  data: Float32Array;
  shape: number[];
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
const fail = (why: string): never => {
  throw new FacegateError('MODEL_CONVERSION_FAILED', `reference: ${why}`);
};

/** IEEE 754 half precision → number (sign, 5-bit exponent with bias 15, 10-bit fraction; subnormals, inf, NaN). */
export function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac ? NaN : sign * Infinity;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

export function act(a: Arr, code: number): Arr {
  if (code === 0) return a;
  if (code !== 1 && code !== 3) fail(`activation ${code}`);
  const hi = code === 3 ? 6 : Infinity;
  return { shape: a.shape, data: a.data.map((v) => Math.min(hi, Math.max(0, v))) };
}

/** TF's output size and leading padding for one spatial axis. */
function window(n: number, k: number, s: number, same: boolean): { out: number; pad: number } {
  const out = same ? Math.ceil(n / s) : Math.floor((n - k) / s) + 1;
  return { out, pad: same ? Math.floor(Math.max(0, (out - 1) * s + k - n) / 2) : 0 };
}

export function conv(
  x: Arr,
  w: Arr,
  b: Arr | undefined,
  o: { same: boolean; sh: number; sw: number; depthwise: boolean },
): Arr {
  const [n, ih, iw, ic] = x.shape as [number, number, number, number];
  const [, kh, kw] = w.shape as [number, number, number, number];
  const oc = o.depthwise ? w.shape[3]! : w.shape[0]!;
  const { out: oh, pad: pt } = window(ih, kh, o.sh, o.same);
  const { out: ow, pad: pl } = window(iw, kw, o.sw, o.same);
  const xd = x.data;
  const wd = w.data;
  const out = new Float32Array(n * oh * ow * oc);
  const bias = (c: number) => (b ? b.data[c]! : 0);
  for (let bi = 0; bi < n; bi++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++) {
        const at = ((bi * oh + y) * ow + xo) * oc;
        if (o.depthwise) {
          // weights [1,H,W,C·m]: output channel c reads input channel floor(c / m).
          const mult = oc / ic;
          for (let c = 0; c < oc; c++) {
            let s = bias(c);
            for (let ky = 0; ky < kh; ky++) {
              const yy = y * o.sh + ky - pt;
              if (yy < 0 || yy >= ih) continue;
              for (let kx = 0; kx < kw; kx++) {
                const xx = xo * o.sw + kx - pl;
                if (xx >= 0 && xx < iw)
                  s += xd[((bi * ih + yy) * iw + xx) * ic + Math.floor(c / mult)]! * wd[(ky * kw + kx) * oc + c]!;
              }
            }
            out[at + c] = s;
          }
          continue;
        }
        // weights [O,H,W,I]: eight output channels at a time in locals (four times faster than one at a time in
        // V8), then the remaining ones singly.
        const st = kh * kw * ic;
        let c = 0;
        for (; c + 8 <= oc; c += 8) {
          let a0 = bias(c);
          let a1 = bias(c + 1);
          let a2 = bias(c + 2);
          let a3 = bias(c + 3);
          let a4 = bias(c + 4);
          let a5 = bias(c + 5);
          let a6 = bias(c + 6);
          let a7 = bias(c + 7);
          for (let ky = 0; ky < kh; ky++) {
            const yy = y * o.sh + ky - pt;
            if (yy < 0 || yy >= ih) continue;
            for (let kx = 0; kx < kw; kx++) {
              const xx = xo * o.sw + kx - pl;
              if (xx < 0 || xx >= iw) continue;
              const base = ((bi * ih + yy) * iw + xx) * ic;
              const w0 = ((c * kh + ky) * kw + kx) * ic;
              for (let k = 0; k < ic; k++) {
                const v = xd[base + k]!;
                const q = w0 + k;
                a0 += v * wd[q]!;
                a1 += v * wd[q + st]!;
                a2 += v * wd[q + 2 * st]!;
                a3 += v * wd[q + 3 * st]!;
                a4 += v * wd[q + 4 * st]!;
                a5 += v * wd[q + 5 * st]!;
                a6 += v * wd[q + 6 * st]!;
                a7 += v * wd[q + 7 * st]!;
              }
            }
          }
          out[at + c] = a0;
          out[at + c + 1] = a1;
          out[at + c + 2] = a2;
          out[at + c + 3] = a3;
          out[at + c + 4] = a4;
          out[at + c + 5] = a5;
          out[at + c + 6] = a6;
          out[at + c + 7] = a7;
        }
        for (; c < oc; c++) {
          let a = bias(c);
          for (let ky = 0; ky < kh; ky++) {
            const yy = y * o.sh + ky - pt;
            if (yy < 0 || yy >= ih) continue;
            for (let kx = 0; kx < kw; kx++) {
              const xx = xo * o.sw + kx - pl;
              if (xx < 0 || xx >= iw) continue;
              const base = ((bi * ih + yy) * iw + xx) * ic;
              const w0 = ((c * kh + ky) * kw + kx) * ic;
              for (let k = 0; k < ic; k++) a += xd[base + k]! * wd[w0 + k]!;
            }
          }
          out[at + c] = a;
        }
      }
  return { data: out, shape: [n, oh, ow, oc] };
}

/** Max or average over each window (the average counts only cells inside the input, as TF's SAME padding does). */
export function pool(x: Arr, o: { same: boolean; kh: number; kw: number; sh: number; sw: number; max: boolean }): Arr {
  const [n, ih, iw, c] = x.shape as [number, number, number, number];
  const { out: oh, pad: pt } = window(ih, o.kh, o.sh, o.same);
  const { out: ow, pad: pl } = window(iw, o.kw, o.sw, o.same);
  const out = new Float32Array(n * oh * ow * c);
  for (let bi = 0; bi < n; bi++)
    for (let y = 0; y < oh; y++)
      for (let xo = 0; xo < ow; xo++)
        for (let k = 0; k < c; k++) {
          let acc = o.max ? -Infinity : 0;
          let count = 0;
          for (let ky = 0; ky < o.kh; ky++)
            for (let kx = 0; kx < o.kw; kx++) {
              const yy = y * o.sh + ky - pt;
              const xx = xo * o.sw + kx - pl;
              if (yy < 0 || yy >= ih || xx < 0 || xx >= iw) continue;
              const v = x.data[((bi * ih + yy) * iw + xx) * c + k]!;
              acc = o.max ? Math.max(acc, v) : acc + v;
              count++;
            }
          out[((bi * oh + y) * ow + xo) * c + k] = o.max ? acc : acc / count;
        }
  return { data: out, shape: [n, oh, ow, c] };
}

/** out[b][u] = Σᵢ x[b][i]·w[u][i] + bias[u], x read as rows of w's input width. */
export function fullyConnected(x: Arr, w: Arr, bias: Arr | undefined): Arr {
  const [units, inF] = w.shape as [number, number];
  const rows = x.data.length / inF;
  if (!Number.isInteger(rows)) fail(`fully connected input of ${x.data.length} values for width ${inF}`);
  const out = new Float32Array(rows * units);
  for (let r = 0; r < rows; r++)
    for (let u = 0; u < units; u++) {
      let s = bias ? bias.data[u]! : 0;
      for (let i = 0; i < inF; i++) s += x.data[r * inF + i]! * w.data[u * inF + i]!;
      out[r * units + u] = s;
    }
  return { data: out, shape: [rows, units] };
}

/** Elementwise with numpy broadcasting (shapes right-aligned; a dimension of 1 repeats). */
export function broadcast(a: Arr, b: Arr, f: (x: number, y: number) => number): Arr {
  if (a.data.length === b.data.length && a.shape.join() === b.shape.join()) {
    const out = new Float32Array(a.data.length);
    for (let i = 0; i < out.length; i++) out[i] = f(a.data[i]!, b.data[i]!);
    return { data: out, shape: a.shape };
  }
  const rank = Math.max(a.shape.length, b.shape.length);
  const pad = (s: number[]) => [...new Array<number>(rank - s.length).fill(1), ...s];
  const sa = pad(a.shape);
  const sb = pad(b.shape);
  const shape = sa.map((d, k) => {
    const e = sb[k]!;
    if (d !== e && d !== 1 && e !== 1) fail(`cannot broadcast [${a.shape}] with [${b.shape}]`);
    return Math.max(d, e);
  });
  const stridesOf = (s: number[]) => s.map((d, k) => (d === 1 ? 0 : size(s.slice(k + 1))));
  const ta = stridesOf(sa);
  const tb = stridesOf(sb);
  const out = new Float32Array(size(shape));
  const idx = new Array<number>(rank).fill(0);
  for (let i = 0; i < out.length; i++) {
    let ia = 0;
    let ib = 0;
    for (let k = 0; k < rank; k++) {
      ia += idx[k]! * ta[k]!;
      ib += idx[k]! * tb[k]!;
    }
    out[i] = f(a.data[ia]!, b.data[ib]!);
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k]! < shape[k]!) break;
      idx[k] = 0;
    }
  }
  return { data: out, shape };
}

/** A reshape: the same values, a new shape (one -1 takes what is left). */
export function reshape(x: Arr, target: readonly number[]): Arr {
  const known = target.reduce((a, d) => (d === -1 ? a : a * d), 1);
  const shape = target.map((d) => (d === -1 ? x.data.length / known : d));
  if (size(shape) !== x.data.length) fail(`reshape of ${x.data.length} values to [${target}]`);
  return { data: x.data, shape };
}

/** TFLite's STRIDED_SLICE for constant bounds (no ellipsis / new-axis masks). */
export function stridedSlice(
  x: Arr,
  begin: number[],
  end: number[],
  strides: number[],
  m: { begin: number; end: number; shrink: number },
): Arr {
  const rank = x.shape.length;
  const picks: number[][] = [];
  const shape: number[] = [];
  for (let k = 0; k < rank; k++) {
    const dim = x.shape[k]!;
    const bit = 1 << k;
    const norm = (v: number) => (v < 0 ? v + dim : v);
    if (m.shrink & bit) {
      picks.push([norm(begin[k]!)]);
      continue;
    }
    const st = strides[k]!;
    let from = m.begin & bit ? (st > 0 ? 0 : dim - 1) : norm(begin[k]!);
    let to = m.end & bit ? (st > 0 ? dim : -1) : norm(end[k]!);
    from = st > 0 ? Math.min(Math.max(from, 0), dim) : Math.min(Math.max(from, -1), dim - 1);
    to = st > 0 ? Math.min(Math.max(to, 0), dim) : Math.min(Math.max(to, -1), dim - 1);
    const list: number[] = [];
    for (let i = from; st > 0 ? i < to : i > to; i += st) list.push(i);
    picks.push(list);
    shape.push(list.length);
  }
  const counts = picks.map((p) => p.length);
  const out = new Float32Array(size(counts));
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let k = 0; k < rank; k++) src = src * x.shape[k]! + picks[k]![idx[k]!]!;
    out[o] = x.data[src]!;
    for (let k = rank - 1; k >= 0; k--) {
      if (++idx[k]! < counts[k]!) break;
      idx[k] = 0;
    }
  }
  return { data: out, shape };
}

/** Joins arrays of equal shape but for `axis`. */
export function concat(parts: Arr[], axis: number): Arr {
  const first = parts[0]!.shape;
  const outer = size(first.slice(0, axis));
  const inner = size(first.slice(axis + 1));
  const total = parts.reduce((s, p) => s + p.shape[axis]!, 0);
  const out = new Float32Array(outer * total * inner);
  let offset = 0;
  for (const p of parts) {
    const len = p.shape[axis]! * inner;
    for (let o = 0; o < outer; o++) out.set(p.data.subarray(o * len, (o + 1) * len), o * total * inner + offset);
    offset += len;
  }
  const shape = [...first];
  shape[axis] = total;
  return { data: out, shape };
}
