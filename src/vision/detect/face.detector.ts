// Image → faces with a 468-point mesh: BlazeFace proposes, FaceMesh confirms and locates. Each proposal is meshed
// once from the detector's box and once more from the first mesh's own box (MediaPipe's tracking ROI), which makes
// the result independent of how good the proposal was (tiles can propose half a face). Proposals that fall inside
// an accepted face are skipped, and the confirmed faces go through a final NMS. detectAll adds the profile pass
// (profile.pass.ts) for heads turned too far for BlazeFace.
import type { RgbImage } from '../embed/embedder.port.ts';
import { boundingRect, enlargeRect, nms, type Rect } from '../geometry/box.geometry.ts';
import { fullRegion, tileRegions, type BlazefaceDetector } from './blazeface.detector.ts';
import type { BlazeCandidate } from './blazeface.decode.ts';
import { roiFromEyes, type FaceRoi, type FacemeshRefiner } from './facemesh.refiner.ts';
import { MESH, fivePoints, pt } from './mesh.landmarks.ts';
import type { ProfileFace, ProfilePass } from './profile.pass.ts';

export interface MeshFace {
  kind: 'mesh';
  /** The mesh's bounding box in image pixels (forehead to chin, cheek to cheek). */
  rect: Rect;
  /** Face presence from the mesh model, 0–1: the confidence reported to clients. */
  score: number;
  /** BlazeFace's score for the proposal, 0–1. */
  detectorScore: number;
  /** 468 × (x, y, z), image pixels. */
  mesh: Float32Array;
  /** Image-left eye, image-right eye, nose tip, mouth corners (the Embedder port's order), image pixels. */
  points5: [number, number][];
  /** The rotated square the final mesh was computed on (reused by attribute models). */
  roi: FaceRoi;
}

export interface FaceDetectorOptions {
  /** FaceMesh presence threshold (0–1). */
  minFaceScore: number;
  /** Faces whose mesh box overlaps an already accepted one by more than this IoU are duplicates. */
  nmsIou: number;
  /** Upper bound on proposals meshed per pass (each costs up to two mesh runs). */
  maxProposals: number;
  /** Small-face tiles: always, never, or 'auto' (skipped when the full pass found a portrait-sized face). */
  tiling: 'always' | 'auto' | 'never';
  /** A face at least this fraction of the image's long side makes the image a portrait for `tiling: 'auto'`. */
  portraitFaceRatio: number;
  /** When the full pass finds nothing, scan once more with the image shrunk into a square this much larger (≤ 1: off). */
  zoomOut: number;
}

export const DEFAULT_FACE_DETECTOR_OPTIONS: FaceDetectorOptions = {
  minFaceScore: 0.5,
  nmsIou: 0.3,
  maxProposals: 100,
  tiling: 'auto',
  portraitFaceRatio: 0.2,
  zoomOut: 1.8,
};

const meshRect = (mesh: Float32Array): Rect => boundingRect(mesh, 3);

/** MediaPipe's ROI from landmarks: eyes level (outer corners), square, 1.5× the mesh box. */
export function roiFromMesh(mesh: Float32Array, scale = 1.5): FaceRoi {
  return roiFromEyes(meshRect(mesh), pt(mesh, MESH.imageLeftEye.outer), pt(mesh, MESH.imageRightEye.outer), scale);
}

const inside = (x: number, y: number, r: Rect) => x >= r.x && x <= r.x + r.width && y >= r.y && y <= r.y + r.height;

/** Every face detectAll reports: fitted by the mesh, or seen only by the profile pass. */
export type FoundFace = MeshFace | ProfileFace;

export class FaceDetector {
  constructor(
    private readonly blazeface: BlazefaceDetector,
    private readonly facemesh: FacemeshRefiner,
    private readonly options: FaceDetectorOptions = DEFAULT_FACE_DETECTOR_OPTIONS,
    private readonly profiles?: ProfilePass,
  ) {}

  /**
   * Confirmed faces, largest first. The whole image is scanned first; tiles (for small faces in big images) are
   * scanned unless `tiling` is 'never', or it is 'auto' and the full pass found a face big enough that this is a
   * portrait rather than a group photo.
   */
  async detect(image: RgbImage): Promise<MeshFace[]> {
    return this.finish(await this.meshPass(image));
  }

  /**
   * detect, then the profile pass where its options say so (by default: when the mesh pass found no face). Faces
   * the SSD detector finds are offered to the mesh first; only those it cannot fit are returned as profile faces.
   * Largest first.
   */
  async detectAll(image: RgbImage): Promise<FoundFace[]> {
    const faces = await this.meshPass(image);
    if (!this.profiles?.runsOn(faces.length)) return this.finish(faces);
    const profiles = await this.profiles.find(
      image,
      () => faces.map((f) => f.rect),
      async (roi, score) => {
        const before = faces.length;
        await this.meshFrom(image, roi, score, faces);
        return faces.length > before;
      },
    );
    const all: FoundFace[] = [...this.finish(faces), ...profiles];
    return all.sort((a, b) => b.rect.width * b.rect.height - a.rect.width * a.rect.height);
  }

  /** The mesh pass: the whole image, the zoomed-out view when that found nothing, then (unless a portrait) tiles. */
  private async meshPass(image: RgbImage): Promise<MeshFace[]> {
    const faces: MeshFace[] = [];
    const full = fullRegion(image.width, image.height);
    await this.confirm(image, await this.blazeface.detectRegions(image, [full]), faces);
    if (faces.length === 0 && this.options.zoomOut > 1) {
      // A face that fills the whole frame (a tight crop) is too big for the short-range model: look again with a
      // margin around the image.
      const zoomed = enlargeRect(full, this.options.zoomOut);
      await this.confirm(image, await this.blazeface.detectRegions(image, [zoomed]), faces);
    }
    const long = Math.max(image.width, image.height);
    const portrait = faces.some((f) => Math.max(f.rect.width, f.rect.height) >= long * this.options.portraitFaceRatio);
    const tiles = tileRegions(image.width, image.height, this.blazeface.options);
    if (tiles.length > 0 && (this.options.tiling === 'always' || (this.options.tiling === 'auto' && !portrait))) {
      await this.confirm(image, await this.blazeface.detectRegions(image, tiles), faces);
    }
    return faces;
  }

  /** Final NMS over the confirmed faces, largest first. */
  private finish(faces: MeshFace[]): MeshFace[] {
    const kept = nms(
      faces.map((f) => ({ ...f, score: f.score + f.detectorScore })),
      this.options.nmsIou,
    ).map((k) => faces.find((f) => f.mesh === k.mesh)!);
    return kept.sort((a, b) => b.rect.width * b.rect.height - a.rect.width * a.rect.height);
  }

  /** Meshes each proposal that is not inside an accepted face; appends the confirmed ones to `faces`. */
  private async confirm(image: RgbImage, proposals: readonly BlazeCandidate[], faces: MeshFace[]): Promise<void> {
    for (const p of proposals.slice(0, this.options.maxProposals)) {
      const cx = p.rect.x + p.rect.width / 2;
      const cy = p.rect.y + p.rect.height / 2;
      if (faces.some((f) => inside(cx, cy, f.rect))) continue;
      const kp = p.keypoints;
      await this.meshFrom(image, roiFromEyes(p.rect, [kp[0]!, kp[1]!], [kp[2]!, kp[3]!]), p.score, faces);
    }
  }

  /** Meshes one proposal's ROI twice (its own crop, then the first mesh's); appends the face if both agree. */
  private async meshFrom(image: RgbImage, start: FaceRoi, detectorScore: number, faces: MeshFace[]): Promise<void> {
    const first = await this.facemesh.run(image, start);
    if (first.score < this.options.minFaceScore) return;
    const roi = roiFromMesh(first.mesh);
    const second = await this.facemesh.run(image, roi);
    // A face that only the rough first crop "saw" is not trusted.
    if (second.score < this.options.minFaceScore) return;
    faces.push({
      kind: 'mesh',
      rect: meshRect(second.mesh),
      score: Math.min(first.score, second.score),
      detectorScore,
      mesh: second.mesh,
      points5: fivePoints(second.mesh),
      roi,
    });
  }
}
