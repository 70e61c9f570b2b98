// What Rekognition responses say about where they come from, as AWS says it: collection ARNs with the region the
// client signed for and the configured account id, and FaceModelVersion as a version number ("7.0"), which clients
// compare. Facegate's own model name stays visible in the x-facegate-face-model response header.
export interface WireIdentity {
  region: string;
  accountId: string;
  faceModelVersion: string;
}

export const FACE_MODEL_HEADER = 'x-facegate-face-model';

const VERSION_FIELDS = new Set(['FaceModelVersion', 'IndexFacesModelVersion']);
const ARN_FIELDS = new Set(['CollectionArn', 'CollectionARN']);

/** Rewrites the response in place; returns the engine's model name when the response carried one. */
export function applyWireIdentity(value: unknown, id: WireIdentity): string | undefined {
  let model: string | undefined;
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) return v.forEach(visit);
    if (!v || typeof v !== 'object') return;
    const o = v as Record<string, unknown>;
    for (const [k, field] of Object.entries(o)) {
      if (VERSION_FIELDS.has(k) && typeof field === 'string') {
        model ??= field;
        o[k] = id.faceModelVersion;
      } else if (k === 'FaceModelVersions' && Array.isArray(field)) {
        if (typeof field[0] === 'string') model ??= field[0];
        o[k] = field.map(() => id.faceModelVersion);
      } else if (ARN_FIELDS.has(k) && typeof field === 'string') {
        const name = field.slice(field.indexOf(':collection/') + ':collection/'.length);
        o[k] = `arn:aws:rekognition:${id.region}:${id.accountId}:collection/${name}`;
      } else visit(field);
    }
  };
  visit(value);
  return model;
}
