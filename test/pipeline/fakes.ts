// In-memory stand-ins for the pipeline's ports, for unit tests that must not need models.
import type { ObjectInfo, ObjectStore } from '../../src/storage/object-store.port.ts';
import type {
  FaceMatchSummary,
  FaceSummary,
  PipelineFaces,
  Thumbnailer,
} from '../../src/apps/pipeline/pipeline.ports.ts';

export class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, Uint8Array>();
  private info(bucket: string, key: string, size: number): ObjectInfo {
    return { bucket, key, size, lastModified: new Date(0) };
  }
  put(bucket: string, key: string, body: Uint8Array) {
    this.objects.set(`${bucket}/${key}`, body);
    return Promise.resolve(this.info(bucket, key, body.byteLength));
  }
  get(bucket: string, key: string) {
    const body = this.objects.get(`${bucket}/${key}`);
    return Promise.resolve(body && { body, info: this.info(bucket, key, body.byteLength) });
  }
  head(bucket: string, key: string) {
    const body = this.objects.get(`${bucket}/${key}`);
    return Promise.resolve(body && this.info(bucket, key, body.byteLength));
  }
  delete(bucket: string, key: string) {
    return Promise.resolve(this.objects.delete(`${bucket}/${key}`));
  }
  list(bucket: string) {
    const objects = [...this.objects.entries()]
      .filter(([k]) => k.startsWith(`${bucket}/`))
      .map(([k, v]) => this.info(bucket, k.slice(bucket.length + 1), v.byteLength));
    return Promise.resolve({ objects });
  }
}

export const portrait = (over: Partial<FaceSummary> = {}): FaceSummary => ({
  box: { left: 0.3, top: 0.2, width: 0.4, height: 0.5 },
  confidence: 99.5,
  pose: { roll: 0, yaw: 3, pitch: -2 },
  quality: { brightness: 70, sharpness: 60 },
  ...over,
});

/**
 * Faces keyed by the image's first byte: tests write one-byte "images" and say what the detector sees in them.
 * Indexed faces are kept so that search and the idempotency check behave like a collection.
 */
export class FakeFaces implements PipelineFaces {
  readonly scenes = new Map<number, FaceSummary[]>();
  readonly indexed: { collectionId: string; externalImageId: string; faceId: string; image: number }[] = [];
  /** Image byte → identity: a search for an image whose identity is indexed matches it. */
  readonly identity = new Map<number, string>();
  failIndexOnce: 'before' | 'after-commit' | undefined;

  detect(image: Uint8Array) {
    return Promise.resolve(this.scenes.get(image[0]!) ?? []);
  }
  search(collectionId: string, image: Uint8Array, threshold: number, maxFaces: number) {
    const who = this.identity.get(image[0]!);
    const matches: FaceMatchSummary[] = this.indexed
      .filter((f) => f.collectionId === collectionId && who !== undefined && this.identity.get(f.image) === who)
      .map((f) => ({ faceId: f.faceId, externalImageId: f.externalImageId, similarity: 96 }))
      .filter((m) => m.similarity >= threshold)
      .slice(0, maxFaces);
    return Promise.resolve(matches);
  }
  index(collectionId: string, image: Uint8Array, externalImageId: string) {
    if (this.failIndexOnce === 'before') {
      this.failIndexOnce = undefined;
      return Promise.reject(new Error('index store unavailable'));
    }
    const faceId = `face-${this.indexed.length + 1}`;
    this.indexed.push({ collectionId, externalImageId, faceId, image: image[0]! });
    if (this.failIndexOnce === 'after-commit') {
      this.failIndexOnce = undefined;
      return Promise.reject(new Error('connection reset after the face was committed'));
    }
    return Promise.resolve({ faceId, imageId: `image-${faceId}` });
  }
  findByExternalImageId(collectionId: string, externalImageId: string) {
    return Promise.resolve(
      this.indexed
        .filter((f) => f.collectionId === collectionId && f.externalImageId === externalImageId)
        .map((f) => ({ faceId: f.faceId, imageId: `image-${f.faceId}` })),
    );
  }
}

export class FakeThumbnailer implements Thumbnailer {
  failures = 0;
  calls = 0;
  thumbnail(image: Uint8Array, size: number) {
    this.calls++;
    if (this.failures > 0) {
      this.failures--;
      return Promise.reject(new Error('thumbnail worker busy'));
    }
    return Promise.resolve(new Uint8Array([image[0]!, size % 256]));
  }
}
