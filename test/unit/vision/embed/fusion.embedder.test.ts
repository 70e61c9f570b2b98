import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { FusionEmbedder } from '../../../../src/vision/embed/fusion.embedder.ts';
import { l2normalise } from '../../../../src/vision/embed/onnx.embedder.ts';
import type { Embedder } from '../../../../src/vision/embed/embedder.port.ts';

const fake = (version: string, size: number): Embedder => ({
  version,
  size,
  embed: () => Promise.reject(new Error('not used')),
});
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + v * b[i]!, 0);
const rand = (n: number, seed: number) =>
  l2normalise(Float32Array.from({ length: n }, (_, i) => Math.sin(seed * 12.9898 + i * 78.233)));

describe('fusion embedder', () => {
  test('the fused cosine is the weight-averaged cosine of the parts', () => {
    const f = new FusionEmbedder([
      { embedder: fake('a', 4), weight: 3 },
      { embedder: fake('b', 6), weight: 1 },
    ]);
    const [a1, a2, b1, b2] = [rand(4, 1), rand(4, 2), rand(6, 3), rand(6, 4)];
    const fused = dot(f.combine([a1, b1]), f.combine([a2, b2]));
    const expected = (3 * dot(a1, a2) + 1 * dot(b1, b2)) / 4;
    assert.ok(Math.abs(fused - expected) < 1e-6, `${fused} vs ${expected}`);
  });

  test('the fused descriptor is unit length, sized as the parts together, and names its parts', () => {
    const f = new FusionEmbedder([
      { embedder: fake('a-v1', 4), weight: 2 },
      { embedder: fake('b-v1', 6), weight: 5 },
    ]);
    const d = f.combine([rand(4, 5), rand(6, 6)]);
    assert.equal(d.length, 10);
    assert.ok(Math.abs(dot(d, d) - 1) < 1e-6);
    assert.match(f.version, /a-v1\*2\+b-v1\*5/);
  });
});
