// Buckets that only Facegate's own services write: the people app's photos, the door's and the cameras' snapshots,
// and the S3 endpoint's catalog (object metadata, multipart parts). They are never writable through the S3 endpoint
// or the REST bucket API, no pipeline may bind them, and they have no storage quota (their services bound them).
export const S3_CATALOG_BUCKET = 'facegate-s3-catalog';

export const SERVICE_BUCKETS: ReadonlySet<string> = new Set(['people', 'door', 'camera-visits', S3_CATALOG_BUCKET]);
