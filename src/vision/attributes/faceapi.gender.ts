// face-api's age/gender net (catalogue entry faceapi-agegender) on a detected face: its male probability, on the
// crop face-api itself gives it. face-api cuts the box of its 68 landmarks enlarged 1.2× (FaceLandmarks.align,
// minBoxPadding 0.2), unrotated and clipped to the image, pads it with black to a centred square and resizes it
// to 112² (NetInput.toBatchTensor); the mesh points below stand in for the 68 (jaw line, chin, upper brows).
import type { InferenceSession } from '../runtime/inference.port.ts';
import type { RgbImage } from '../embed/embedder.port.ts';
import { warpAffineAntialiased } from '../geometry/affine.warp.ts';
import { mirrored } from '../embed/face.align.ts';

export const FACEAPI_INPUT = 112;

/** Mesh points at the places of dlib's 68: the face contour from ear to ear round the chin, and the upper brows. */
const CONTOUR_68 = [
  127, 234, 93, 132, 58, 172, 136, 150, 149, 176, 148, 152, 377, 400, 378, 379, 365, 397, 288, 361, 323, 454, 356, 70,
  63, 105, 66, 107, 336, 296, 334, 293, 300,
];

/** The 112×112 face-api input for a face with a 468-point mesh (x, y, z triples in image pixels). */
export function faceApiCrop(image: RgbImage, mesh: Float32Array): RgbImage {
  let x0 = Infinity;
  let y0 = Infinity;
  let x1 = -Infinity;
  let y1 = -Infinity;
  for (const i of CONTOUR_68) {
    const x = mesh[3 * i]!;
    const y = mesh[3 * i + 1]!;
    x0 = Math.min(x0, x);
    x1 = Math.max(x1, x);
    y0 = Math.min(y0, y);
    y1 = Math.max(y1, y);
  }
  const padX = (x1 - x0) * 0.1;
  const padY = (y1 - y0) * 0.1;
  const bx0 = Math.max(0, x0 - padX);
  const by0 = Math.max(0, y0 - padY);
  const bx1 = Math.min(image.width, x1 + padX);
  const by1 = Math.min(image.height, y1 + padY);
  const side = Math.max(bx1 - bx0, by1 - by0, 1);
  const sx = (bx0 + bx1 - side) / 2;
  const sy = (by0 + by1 - side) / 2;
  const n = FACEAPI_INPUT;
  const k = side / n;
  const crop = warpAffineAntialiased(image, [k, 0, sx, 0, k, sy], n, n, 1 / k);
  // The square's padding is black, as face-api pads, also where the image itself extends past the box.
  const d = crop.data;
  for (let y = 0; y < n; y++) {
    const iy = sy + (y + 0.5) * k;
    for (let x = 0; x < n; x++) {
      const ix = sx + (x + 0.5) * k;
      if (ix < bx0 || ix > bx1 || iy < by0 || iy > by1)
        d[3 * (y * n + x)] = d[3 * (y * n + x) + 1] = d[3 * (y * n + x) + 2] = 0;
    }
  }
  return crop;
}

/** face-api's male probability on the crop and on its mirror (one batch of two). */
export async function faceApiMale(
  session: InferenceSession,
  image: RgbImage,
  mesh: Float32Array,
): Promise<[number, number]> {
  const crop = faceApiCrop(image, mesh);
  const px = FACEAPI_INPUT * FACEAPI_INPUT * 3;
  const input = new Float32Array(2 * px);
  input.set(crop.data);
  input.set(mirrored(crop).data, px);
  const out = await session.run({
    [session.inputNames[0]!]: { data: input, dims: [2, FACEAPI_INPUT, FACEAPI_INPUT, 3] },
  });
  const g = (out['gender'] ?? Object.values(out).find((t) => t.data.length === 4))!.data as Float32Array;
  return [g[0]!, g[2]!];
}
