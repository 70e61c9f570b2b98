import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { faceQuality } from '../../../src/vision/quality/image.quality.ts';
import { headPose } from '../../../src/vision/quality/pose.quality.ts';
import { MESH } from '../../../src/vision/detect/mesh.landmarks.ts';
import { MESH_POINTS } from '../../../src/vision/detect/facemesh.refiner.ts';
import type { RgbImage } from '../../../src/vision/embed/embedder.port.ts';

function image(size: number, value: (x: number, y: number) => number): RgbImage {
  const data = new Uint8Array(size * size * 3);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) data.fill(value(x, y), (y * size + x) * 3, (y * size + x) * 3 + 3);
  return { data, width: size, height: size };
}

describe('faceQuality', () => {
  test('brightness is the inner-face luma in percent; a flat crop has sharpness 0', () => {
    const q = faceQuality(image(128, () => 128));
    assert.ok(Math.abs(q.brightness - 50.2) < 0.2, `${q.brightness}`);
    assert.equal(q.sharpness, 0);
  });

  test('fine texture is sharp, a smooth gradient is not', () => {
    const checker = faceQuality(image(128, (x, y) => (((x >> 1) + (y >> 1)) % 2 ? 200 : 60)));
    const ramp = faceQuality(image(128, (x) => x * 2));
    assert.ok(checker.sharpness > 95, `checker ${checker.sharpness}`);
    assert.ok(ramp.sharpness < 10, `ramp ${ramp.sharpness}`);
  });
});

/** A toy mesh: only the points headPose reads, placed on a frontal face, then rotated in 3-D. */
function toyMesh(yawDeg: number, pitchDeg: number): Float32Array {
  const mesh = new Float32Array(MESH_POINTS * 3);
  const pts: [number, [number, number, number]][] = [
    [MESH.imageLeftEye.outer, [-40, -20, 0]],
    [MESH.imageRightEye.outer, [40, -20, 0]],
    [MESH.forehead, [0, -70, 0]],
    [MESH.chin, [0, 80, 0]],
  ];
  const yaw = (yawDeg * Math.PI) / 180;
  const pitch = (pitchDeg * Math.PI) / 180;
  for (const [i, [x, y, z]] of pts) {
    // yaw about the vertical axis (turning towards +x pushes +x points away, +z), then pitch about the x axis.
    const x1 = x * Math.cos(yaw) - z * Math.sin(yaw);
    const z1 = x * Math.sin(yaw) + z * Math.cos(yaw);
    const y2 = y * Math.cos(pitch) + z1 * Math.sin(pitch);
    const z2 = -y * Math.sin(pitch) + z1 * Math.cos(pitch);
    mesh.set([x1 + 200, y2 + 200, z2], 3 * i);
  }
  return mesh;
}

describe('headPose', () => {
  test('a frontal mesh has zero roll, yaw and pitch', () => {
    assert.deepEqual(headPose(toyMesh(0, 0)), { roll: 0, yaw: 0, pitch: 0 });
  });

  test('recovers yaw and pitch of a rotated mesh within a few degrees, with the documented signs', () => {
    const right = headPose(toyMesh(30, 0));
    assert.ok(Math.abs(right.yaw - 30) < 1, JSON.stringify(right));
    const up = headPose(toyMesh(0, 20));
    assert.ok(Math.abs(up.pitch - 20) < 1, JSON.stringify(up));
  });
});
