// What `facegate migrate --to postgres` copies: each SQLite table of the deployment database, its Postgres twin,
// and how every column maps. Kinds say how a value is converted and compared: `ms` SQLite epoch milliseconds that
// Postgres keeps as TIMESTAMPTZ (`ts`) or BIGINT (`ms`), JSON text → JSONB, 0/1 → BOOLEAN, BLOB → BYTEA. Parents
// come before children (foreign keys). The job queue is not copied: pg-boss has its own tables (drain it first).
// Every part's tables are here: collections, keys, people, proctor, pipeline, events and notifications, the door,
// cameras and stream processors, Face Liveness, the audit log and consent, user buckets' quotas and usage.
import { CAMERAS, DOOR, GOVERNANCE, LIVENESS, QUOTAS } from './pg.copy.apps.ts';
import { col as c, type TableCopy } from './pg.copy.types.ts';

export type { Column, Kind, TableCopy } from './pg.copy.types.ts';

export const TABLES: TableCopy[] = [
  {
    table: 'collections',
    key: ['id'],
    columns: [
      c('id', 'text'),
      c('face_model_version', 'text'),
      c('descriptor_size', 'int'),
      c('created_at', 'ts'),
      c('tags', 'json'),
    ],
  },
  {
    table: 'faces',
    key: ['collection_id', 'face_id'],
    columns: [
      c('collection_id', 'text'),
      c('id', 'text', 'face_id'),
      c('image_id', 'text'),
      c('external_image_id', 'text'),
      ...[
        'box_left',
        'box_top',
        'box_width',
        'box_height',
        'confidence',
        'brightness',
        'sharpness',
        'roll',
        'yaw',
        'pitch',
      ].map((n) => c(n, 'real')),
      c('model_version', 'text'),
      c('user_id', 'text'),
      c('created_at', 'ts'),
      { ...c('descriptor', 'blob'), sealedBy: (r) => `${String(r.collection_id)}/${String(r.id)}` },
    ],
  },
  {
    table: 'users',
    key: ['collection_id', 'id'],
    columns: [c('collection_id', 'text'), c('id', 'text'), c('created_at', 'ts')],
  },
  {
    table: 'idempotency_tokens',
    key: ['collection_id', 'scope', 'token'],
    columns: ['collection_id', 'scope', 'token', 'params_hash', 'response']
      .map((n) => c(n, 'text'))
      .concat(c('created_at', 'ts')),
  },
  { table: 'settings', key: ['name'], columns: [c('name', 'text'), c('value', 'blob')] },
  {
    table: 'api_keys',
    key: ['id'],
    columns: [
      ...['id', 'name', 'role', 'secret_hash'].map((n) => c(n, 'text')),
      c('daily_quota', 'int'),
      c('created_at', 'ts'),
      c('revoked_at', 'ts'),
      c('last_used_at', 'ts'),
      c('collections', 'json'),
      c('apps', 'json'),
    ],
  },
  {
    table: 'api_key_usage',
    key: ['key_id', 'day'],
    columns: [c('key_id', 'text'), c('day', 'text'), c('count', 'int')],
  },
  {
    table: 'people',
    key: ['person_id'],
    columns: [
      ...['person_id', 'collection_id', 'name', 'email', 'phone'].map((n) => c(n, 'text')),
      c('fields', 'json'),
      c('created_at', 'ts'),
      c('updated_at', 'ts'),
    ],
  },
  {
    table: 'person_photos',
    key: ['photo_id'],
    columns: [
      ...['photo_id', 'person_id', 'face_id', 'object_key', 'thumbnail_key'].map((n) => c(n, 'text')),
      c('box', 'json'),
      c('created_at', 'ts'),
    ],
  },
  {
    table: 'proctor_candidates',
    key: ['external_image_id'],
    columns: [c('external_image_id', 'text'), c('full_name', 'text'), c('face_id', 'text'), c('created_at', 'ts')],
  },
  {
    table: 'pipeline_defs',
    key: ['name'],
    columns: [c('name', 'text'), c('definition', 'json'), c('updated_at', 'ms')],
  },
  {
    table: 'pipeline_runs',
    key: ['id'],
    identity: 'seq',
    columns: [
      ...['id', 'pipeline', 'state'].map((n) => c(n, 'text')),
      c('input', 'json'),
      c('idempotency_key', 'text'),
      c('error', 'json'),
      c('result', 'json'),
      c('created_at', 'ms'),
      c('updated_at', 'ms'),
      c('finished_at', 'ms'),
      c('seq', 'int'),
    ],
  },
  {
    table: 'pipeline_steps',
    key: ['run_id', 'name'],
    columns: [
      c('run_id', 'text'),
      c('name', 'text'),
      { from: 'rowid', to: 'ord', kind: 'int', uncompared: true },
      c('stage', 'int'),
      c('state', 'text'),
      c('attempts', 'int'),
      c('output', 'json'),
      c('error', 'text'),
      c('started_at', 'ms'),
      c('finished_at', 'ms'),
      c('duration_ms', 'int'),
    ],
  },
  {
    table: 'pipeline_records',
    key: ['run_id'],
    columns: [
      ...['run_id', 'pipeline', 'collection_id', 'user_id', 'face_id', 'bucket', 'object_key', 'thumbnail_key'].map(
        (n) => c(n, 'text'),
      ),
      c('attributes', 'json'),
      c('timings', 'json'),
      c('created_at', 'ms'),
    ],
  },
  {
    table: 'watched_files',
    key: ['pipeline', 'path'],
    columns: [c('pipeline', 'text'), c('path', 'text'), c('size', 'int'), c('run_id', 'text'), c('seen_at', 'ms')],
  },
  {
    table: 'events',
    key: ['seq'],
    identity: 'seq',
    columns: [
      c('seq', 'int'),
      ...['id', 'type', 'collection_id', 'pipeline', 'run_id'].map((n) => c(n, 'text')),
      c('data', 'json'),
      c('occurred_at', 'text'),
      c('dispatched_at', 'text'),
    ],
  },
  {
    table: 'subscriptions',
    key: ['id'],
    columns: [
      ...['id', 'channel', 'target'].map((n) => c(n, 'text')),
      c('event_types', 'json'),
      c('collection_id', 'text'),
      c('pipeline', 'text'),
      c('secret', 'text'),
      c('enabled', 'bool'),
      c('created_at', 'ms'),
    ],
  },
  {
    table: 'deliveries',
    key: ['id'],
    columns: [
      ...['id', 'event_id', 'event_type', 'subscription_id', 'channel', 'state'].map((n) => c(n, 'text')),
      c('created_at', 'ms'),
      c('updated_at', 'ms'),
    ],
  },
  {
    table: 'delivery_attempts',
    key: ['seq'],
    identity: 'seq',
    columns: [
      { from: 'rowid', to: 'seq', kind: 'int', uncompared: true },
      c('delivery_id', 'text'),
      c('attempt', 'int'),
      c('at', 'ms'),
      c('ok', 'bool'),
      c('status', 'int'),
      c('error', 'text'),
      c('duration_ms', 'int'),
    ],
  },
  {
    table: 'sms_outbox',
    key: ['id'],
    columns: [...['id', 'recipient', 'body', 'event_id'].map((n) => c(n, 'text')), c('created_at', 'ms')],
  },
  ...DOOR,
  ...CAMERAS,
  ...LIVENESS,
  ...GOVERNANCE,
  ...QUOTAS,
];
