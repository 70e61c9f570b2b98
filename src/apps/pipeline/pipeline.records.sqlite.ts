// The pipeline's persisted records (the workshop's DynamoDB item) and the watched-file ledger, on SQLite. Tables are
// created by the pipeline store's migrations (pipeline.sqlite.driver.ts); these run on its database handle.
import type { SqliteDatabase } from '../../jobs/sqlite.database.ts';
import type { PipelineRecord } from './pipeline.types.ts';

export function putRecord(db: SqliteDatabase, rec: PipelineRecord): void {
  // First write wins: a persist step re-run after a crash leaves the record as it was.
  db.prepare(
    `INSERT INTO pipeline_records (run_id, pipeline, collection_id, user_id, face_id, bucket, object_key,
       thumbnail_key, attributes, timings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (run_id) DO NOTHING`,
  ).run(
    rec.runId,
    rec.pipeline,
    rec.collectionId,
    rec.userId,
    rec.faceId,
    rec.bucket,
    rec.objectKey,
    rec.thumbnailKey,
    JSON.stringify(rec.attributes),
    JSON.stringify(rec.timings),
    rec.createdAt.getTime(),
  );
}

export function getRecord(db: SqliteDatabase, runId: string): PipelineRecord | undefined {
  const r = db.prepare('SELECT * FROM pipeline_records WHERE run_id = ?').get(runId) as
    Record<string, string | number | null> | undefined;
  if (!r) return undefined;
  return {
    runId: String(r.run_id),
    pipeline: String(r.pipeline),
    collectionId: String(r.collection_id),
    userId: r.user_id === null ? null : String(r.user_id),
    faceId: String(r.face_id),
    bucket: String(r.bucket),
    objectKey: String(r.object_key),
    thumbnailKey: r.thumbnail_key === null ? null : String(r.thumbnail_key),
    attributes: JSON.parse(String(r.attributes)) as Record<string, unknown>,
    timings: JSON.parse(String(r.timings)) as Record<string, number>,
    createdAt: new Date(Number(r.created_at)),
  };
}

export function watchedFileSeen(db: SqliteDatabase, pipeline: string, path: string): boolean {
  return db.prepare('SELECT 1 FROM watched_files WHERE pipeline = ? AND path = ?').get(pipeline, path) !== undefined;
}

export function markWatchedFile(
  db: SqliteDatabase,
  pipeline: string,
  path: string,
  size: number,
  runId: string,
  now: number,
): void {
  db.prepare(
    `INSERT INTO watched_files (pipeline, path, size, run_id, seen_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  ).run(pipeline, path, size, runId, now);
}
