// A FaceEngine stand-in reading the scene from the image bytes (see fake.collections.ts):
// `faces:ann|persons:2|labels:Cell Phone=92|unsafe:Explicit Nudity=90|broken:moderation`.
import { FacegateError } from '../../src/errors.ts';
import type { DetectedFace, FaceEngine } from '../../src/vision/vision.types.ts';

function scene(bytes: Uint8Array) {
  const s = Buffer.from(bytes).toString('utf8');
  if (!s.startsWith('faces:')) throw new FacegateError('INVALID_IMAGE_FORMAT');
  const [faces = '', ...rest] = s.slice(6).split('|');
  const kv = Object.fromEntries(rest.map((p) => [p.slice(0, p.indexOf(':')), p.slice(p.indexOf(':') + 1)]));
  const pairs = (v?: string) =>
    (v ? v.split(',') : []).map((x) => ({ name: x.split('=')[0]!, confidence: Number(x.split('=')[1] ?? 99) }));
  const faceList = faces.split(',').filter(Boolean);
  return {
    faces: faceList,
    persons: kv.persons !== undefined ? Number(kv.persons) : faceList.length,
    labels: pairs(kv.labels),
    unsafe: pairs(kv.unsafe),
    broken: kv.broken,
  };
}

const face = (i: number): DetectedFace => ({
  box: { left: 0.1 + 0.3 * i, top: 0.2, width: 0.2, height: 0.3 },
  confidence: 99,
  landmarks: [],
  pose: { roll: 0, yaw: 0, pitch: 0 },
  quality: { brightness: 80, sharpness: 80 },
  widthPx: 100,
  heightPx: 120,
});

export const fakeEngine: Pick<FaceEngine, 'analyze' | 'labels' | 'moderation'> = {
  analyze: async (bytes) => ({
    image: { width: 640, height: 480, format: 'jpeg', orientation: 1 },
    faces: scene(bytes).faces.map((_, i) => face(i)),
  }),
  labels: async (bytes, o) => {
    const sc = scene(bytes);
    if (sc.broken === 'labels') throw new FacegateError('MODEL_NOT_AVAILABLE');
    const person = sc.persons
      ? [
          {
            name: 'Person',
            confidence: 99,
            instances: Array.from({ length: sc.persons }, (_, i) => ({ box: face(i).box, confidence: 99 })),
            parents: [],
            categories: [],
          },
        ]
      : [];
    const others = sc.labels.map((l) => ({ ...l, instances: [], parents: [], categories: [] }));
    return [...person, ...others].filter((l) => l.confidence >= (o?.minConfidence ?? 55));
  },
  moderation: async (bytes, o) => {
    const sc = scene(bytes);
    if (sc.broken === 'moderation') throw new FacegateError('MODEL_NOT_AVAILABLE');
    return sc.unsafe
      .map((l) => ({ ...l, parentName: '', taxonomyLevel: 1 }))
      .filter((l) => l.confidence >= (o?.minConfidence ?? 50));
  },
};
