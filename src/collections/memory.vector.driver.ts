// VectorIndex in process memory: per collection, one contiguous block of vectors scanned exactly (cosine = dot
// product of unit vectors) by a WebAssembly SIMD kernel (simd.kernel.ts). Float32 by default; int8 with a per-vector
// scale when `quantize` is on (4× less memory and bandwidth: ≈1 KB per 1024-d face). Slots are dense: delete moves
// the last vector into the freed slot (swap-remove), and capacity grows by doubling.
// Each collection has its own WebAssembly memory: [query | rows (capacity × rowBytes) | scores (capacity × 4)].
import { FacegateError } from '../errors.ts';
import { createKernels, type Kernels } from './simd.kernel.ts';
import { TopK } from './topk.ts';
import type { VectorHit, VectorIndex } from './vector.port.ts';

export interface MemoryVectorOptions {
  /** Store int8 vectors with one float scale each instead of float32. */
  quantize?: boolean;
}

interface Shard {
  dim: number;
  /** dim rounded up to 32 (the kernels' step); the padding stays zero. */
  stride: number;
  n: number;
  cap: number;
  kernels: Kernels;
  /** Byte offset of the first row (after the query). */
  rowsAt: number;
  /** int8 only: value = data[i] · scales[slot]. */
  scales: Float32Array;
  ids: string[];
  slotOf: Map<string, number>;
  view?: Float32Array | Int8Array;
}

const PAGE = 65536;
const INITIAL_CAPACITY = 64;

export class MemoryVectorIndex implements VectorIndex {
  private readonly shards = new Map<string, Shard>();
  private readonly int8: boolean;
  private readonly elemBytes: number;

  constructor(options: MemoryVectorOptions = {}) {
    this.int8 = options.quantize ?? false;
    this.elemBytes = this.int8 ? 1 : 4;
  }

  async add(collectionId: string, items: { id: string; vector: Float32Array }[]): Promise<void> {
    for (const { id, vector } of items) {
      const s = this.shardFor(collectionId, vector.length);
      if (vector.length !== s.dim) {
        throw new FacegateError(
          'INVALID_PARAMETER',
          `Vector of ${vector.length} values; the collection holds ${s.dim}`,
        );
      }
      let slot = s.slotOf.get(id);
      if (slot === undefined) {
        if (s.n === s.cap) this.grow(s, s.cap * 2);
        slot = s.n++;
        s.ids[slot] = id;
        s.slotOf.set(id, slot);
      }
      this.write(s, slot, vector);
    }
  }

  async remove(collectionId: string, ids: string[]): Promise<void> {
    const s = this.shards.get(collectionId);
    if (!s) return;
    const rows = this.rows(s);
    for (const id of ids) {
      const slot = s.slotOf.get(id);
      if (slot === undefined) continue;
      const last = --s.n;
      s.slotOf.delete(id);
      if (slot !== last) {
        const movedId = s.ids[last]!;
        rows.copyWithin(slot * s.stride, last * s.stride, (last + 1) * s.stride);
        s.scales[slot] = s.scales[last]!;
        s.ids[slot] = movedId;
        s.slotOf.set(movedId, slot);
      }
      rows.fill(0, last * s.stride, (last + 1) * s.stride);
      s.ids.length = s.n;
    }
  }

  async dropCollection(collectionId: string): Promise<void> {
    this.shards.delete(collectionId);
  }

  async search(
    collectionId: string,
    query: Float32Array,
    k: number,
    accept?: (id: string) => boolean,
  ): Promise<VectorHit[]> {
    const s = this.shards.get(collectionId);
    if (!s || s.n === 0 || k <= 0) return [];
    if (query.length !== s.dim) {
      throw new FacegateError('INVALID_PARAMETER', `Query of ${query.length} values; the collection holds ${s.dim}`);
    }
    const buf = s.kernels.memory.buffer;
    const rowBytes = s.stride * this.elemBytes;
    const scoresAt = s.rowsAt + s.cap * rowBytes;
    let qScale = 1;
    if (this.int8) {
      // int16 query: as fine as the budget allows without overflowing the kernel's int32 sums.
      const qmax = Math.min(16383, Math.floor(2e9 / (127 * s.stride)));
      let max = 0;
      for (let j = 0; j < s.dim; j++) max = Math.max(max, Math.abs(query[j]!));
      qScale = max > 0 ? max / qmax : 1;
      const q = new Int16Array(buf, 0, s.stride);
      for (let j = 0; j < s.dim; j++) q[j] = Math.round(query[j]! / qScale);
      s.kernels.scoresI8(0, s.rowsAt, s.n, rowBytes, scoresAt);
    } else {
      new Float32Array(buf, 0, s.stride).set(query);
      s.kernels.scoresF32(0, s.rowsAt, s.n, rowBytes, scoresAt);
    }
    const raw = new Float32Array(buf, scoresAt, s.n);
    const top = new TopK(k);
    for (let slot = 0; slot < s.n; slot++) {
      const score = this.int8 ? raw[slot]! * qScale * s.scales[slot]! : raw[slot]!;
      if (score < top.floor) continue;
      const id = s.ids[slot]!;
      if (accept && !accept(id)) continue;
      top.push({ id, score });
    }
    return top.sorted();
  }

  async get(collectionId: string, id: string): Promise<Float32Array | undefined> {
    const s = this.shards.get(collectionId);
    const slot = s?.slotOf.get(id);
    if (!s || slot === undefined) return undefined;
    const rows = this.rows(s);
    const out = new Float32Array(s.dim);
    const scale = this.int8 ? s.scales[slot]! : 1;
    for (let j = 0; j < s.dim; j++) out[j] = rows[slot * s.stride + j]! * scale;
    return out;
  }

  async size(collectionId: string): Promise<number> {
    return this.shards.get(collectionId)?.n ?? 0;
  }

  /** Bytes reserved for a collection's vectors (capacity, not count), for the benchmark. */
  bytes(collectionId: string): number {
    const s = this.shards.get(collectionId);
    return s ? s.kernels.memory.buffer.byteLength + s.scales.byteLength : 0;
  }

  /** A view of the rows, cached until the memory grows (growing detaches the old buffer). */
  private rows(s: Shard): Float32Array | Int8Array {
    const buf = s.kernels.memory.buffer;
    if (s.view?.buffer !== buf) {
      s.view = this.int8
        ? new Int8Array(buf, s.rowsAt, s.cap * s.stride)
        : new Float32Array(buf, s.rowsAt, s.cap * s.stride);
    }
    return s.view;
  }

  private shardFor(collectionId: string, dim: number): Shard {
    let s = this.shards.get(collectionId);
    if (!s) {
      const stride = Math.ceil(dim / 32) * 32;
      const rowsAt = stride * 4; // room for a float32 or int16 query
      const cap = INITIAL_CAPACITY;
      const kernels = createKernels(Math.ceil((rowsAt + cap * (stride * this.elemBytes + 4)) / PAGE));
      s = { dim, stride, n: 0, cap, kernels, rowsAt, scales: new Float32Array(cap), ids: [], slotOf: new Map() };
      this.shards.set(collectionId, s);
    }
    return s;
  }

  /** Exact room for `count` vectors: no doubling slack when the size is known (loading at start). */
  async reserve(collectionId: string, dim: number, count: number): Promise<void> {
    const s = this.shardFor(collectionId, dim);
    if (count > s.cap) this.grow(s, count);
  }

  /** Grows the capacity in place (rows keep their offsets; the score area after them moves). */
  private grow(s: Shard, cap: number): void {
    const need = Math.ceil((s.rowsAt + cap * (s.stride * this.elemBytes + 4)) / PAGE);
    const have = s.kernels.memory.buffer.byteLength / PAGE;
    try {
      if (need > have) s.kernels.memory.grow(need - have);
    } catch (e) {
      throw new FacegateError('LIMIT_EXCEEDED', 'The collection is too large for the in-memory index', { cause: e });
    }
    const scales = new Float32Array(cap);
    scales.set(s.scales);
    s.scales = scales;
    s.cap = cap;
    s.view = undefined; // its length is the old capacity
  }

  private write(s: Shard, slot: number, v: Float32Array): void {
    const rows = this.rows(s);
    const off = slot * s.stride;
    if (rows instanceof Float32Array) {
      rows.set(v, off);
      s.scales[slot] = 1;
      return;
    }
    s.scales[slot] = quantise(v, rows as Int8Array, off);
  }
}

/**
 * Symmetric per-vector quantisation into out[off …]: the largest magnitude maps to ±127. Returns the scale
 * (value ≈ int8 · scale). Branch-free on purpose: with random signs, Math.round or a sign test mispredicts and ran
 * 4× slower (3.0 s vs 0.75 s for 100k × 1024), and this runs for every face loaded at start.
 */
function quantise(v: Float32Array, out: Int8Array, off: number): number {
  let max = 0;
  for (let j = 0; j < v.length; j++) max = Math.max(max, Math.abs(v[j]!));
  if (max === 0) return 1;
  const inv = 127 / max;
  // x·inv is in [-127, 127]; +128.5 then truncation is round-half-up on a positive number.
  for (let j = 0; j < v.length; j++) out[off + j] = ((v[j]! * inv + 128.5) | 0) - 128;
  return max / 127;
}
