// The tables of the door, the cameras, liveness, governance and bucket quotas for `facegate migrate` (see pg.copy.tables.ts).
import { doorDescriptorAad, type DoorDescriptorTable } from '../apps/door/door.descriptors.ts';
import { frameDescriptorAad } from '../liveness/liveness.rows.ts';
import { col as c, type Column, type TableCopy } from './pg.copy.types.ts';

/** An unknown visitor's descriptor, sealed at rest with encryption on (door.descriptors.ts). */
const doorDescriptor = (table: DoorDescriptorTable): Column => ({
  ...c('descriptor', 'blob'),
  sealedBy: (r) => doorDescriptorAad(table, String(r.id)),
});

/** The door's tables: the same columns in both dialects (door.migrations.ts), times as epoch ms in both. */
export const DOOR: TableCopy[] = [
  { table: 'door_secrets', key: ['name'], columns: [c('name', 'text'), c('value', 'text')] },
  {
    table: 'doors',
    key: ['id'],
    columns: [...['id', 'name', 'collection_id', 'definition'].map((n) => c(n, 'text')), c('created_at', 'ms')],
  },
  {
    table: 'door_visitors',
    key: ['id'],
    columns: [
      ...['id', 'door_id', 'name', 'phone', 'face_ids', 'photos'].map((n) => c(n, 'text')),
      c('created_at', 'ms'),
    ],
  },
  {
    table: 'door_visitor_faces',
    key: ['door_id', 'face_id'],
    columns: ['door_id', 'face_id', 'visitor_id'].map((n) => c(n, 'text')),
  },
  {
    table: 'door_passcodes',
    key: ['id'],
    columns: [
      ...['id', 'visitor_id', 'door_id', 'code_hash'].map((n) => c(n, 'text')),
      ...['created_at', 'expires_at', 'used_at', 'sent_at'].map((n) => c(n, 'ms')),
    ],
  },
  {
    table: 'door_pending',
    key: ['id'],
    columns: [
      ...['id', 'door_id', 'visit_id', 'state', 'photos'].map((n) => c(n, 'text')),
      doorDescriptor('door_pending'),
      c('created_at', 'ms'),
      c('decided_at', 'ms'),
      c('visitor_id', 'text'),
    ],
  },
  {
    table: 'door_denials',
    key: ['id'],
    columns: [
      ...['id', 'door_id', 'pending_id'].map((n) => c(n, 'text')),
      doorDescriptor('door_denials'),
      c('denied_at', 'ms'),
      c('until_at', 'ms'),
    ],
  },
  {
    table: 'door_visits',
    key: ['id'],
    columns: [
      ...['id', 'door_id', 'kind', 'visitor_id'].map((n) => c(n, 'text')),
      c('similarity', 'real'),
      c('snapshot', 'text'),
      c('at', 'ms'),
    ],
  },
  {
    table: 'door_attempts',
    key: ['seq'],
    identity: 'seq',
    columns: [
      c('seq', 'int'),
      c('at', 'ms'),
      ...['door_id', 'outcome', 'address', 'visitor_id'].map((n) => c(n, 'text')),
    ],
  },
];

/** Cameras, their visits and stream processors (camera.sqlite.ts / camera.pg.ts, processor.*.ts). */
export const CAMERAS: TableCopy[] = [
  {
    table: 'cameras',
    key: ['id'],
    columns: [c('id', 'text'), c('spec', 'json'), c('created_at', 'ts'), c('updated_at', 'ts')],
  },
  {
    table: 'camera_visits',
    key: ['id'],
    columns: [c('id', 'text'), c('camera_id', 'text'), c('decided_at', 'ts'), c('left_at', 'ts'), c('body', 'json')],
  },
  { table: 'stream_processors', key: ['name'], columns: [c('name', 'text'), c('body', 'json')] },
];

/**
 * Face Liveness (liveness.sqlite.driver.ts / liveness.pg.driver.ts): sessions with the person they are for, frames
 * of open sessions, the lockout keys they were used from and the failures counted. Times are epoch ms in both.
 */
export const LIVENESS: TableCopy[] = [
  {
    table: 'liveness_sessions',
    key: ['id'],
    columns: [
      ...['id', 'creator', 'client_token'].map((n) => c(n, 'text')),
      c('created_at', 'ms'),
      c('audit_images_limit', 'int'),
      ...['output_bucket', 'output_prefix', 'status'].map((n) => c(n, 'text')),
      c('frame_count', 'int'),
      c('confidence', 'real'),
      ...['reason', 'images'].map((n) => c(n, 'text')),
      c('finished_at', 'ms'),
      c('subject_id', 'text'),
    ],
  },
  {
    table: 'liveness_frames',
    key: ['session_id', 'seq'],
    columns: [
      c('session_id', 'text'),
      c('seq', 'int'),
      c('faces', 'int'),
      c('yaw', 'real'),
      c('liveness', 'real'),
      c('box', 'text'),
      { ...c('descriptor', 'blob'), sealedBy: (r) => frameDescriptorAad(String(r.session_id)) },
      c('object_key', 'text'),
    ],
  },
  { table: 'liveness_session_keys', key: ['session_id', 'key'], columns: [c('session_id', 'text'), c('key', 'text')] },
  {
    table: 'liveness_failures',
    key: ['key', 'session_id'],
    columns: [c('key', 'text'), c('session_id', 'text'), c('at', 'ms')],
  },
];

/**
 * Governance: the audit chain (rows as they are, so verification still holds), its subjects and retention anchor,
 * and consent records.
 */
export const GOVERNANCE: TableCopy[] = [
  {
    table: 'audit_log',
    key: ['seq'],
    columns: [
      c('seq', 'int'),
      c('at', 'ms'),
      ...['api', 'operation', 'actor_kind', 'actor_id', 'address', 'collection_id', 'outcome', 'decision'].map((n) =>
        c(n, 'text'),
      ),
      c('similarity', 'real'),
      ...['personal', 'salt', 'commitment', 'prev_hash', 'hash'].map((n) => c(n, 'text')),
      c('redacted_at', 'ms'),
    ],
  },
  { table: 'audit_subjects', key: ['subject', 'seq'], columns: [c('subject', 'text'), c('seq', 'int')] },
  { table: 'audit_anchor', key: ['id'], columns: [c('id', 'int'), c('seq', 'int'), c('hash', 'text')] },
  {
    table: 'consents',
    key: ['collection_id', 'subject_id'],
    columns: [
      ...['collection_id', 'subject_id', 'purpose', 'method', 'given_by'].map((n) => c(n, 'text')),
      c('given_at', 'ms'),
      c('text_version', 'text'),
      c('recorded_by', 'text'),
      c('recorded_at', 'ms'),
    ],
  },
];

/** User buckets' quotas and counted usage (storage/quota/bucket-quota.*.ts), so limits and counts survive the move. */
export const QUOTAS: TableCopy[] = [
  {
    table: 'bucket_usage',
    key: ['bucket'],
    columns: [c('bucket', 'text'), c('bytes', 'int'), c('objects', 'int'), c('counted_at', 'ts')],
  },
  {
    table: 'bucket_limits',
    key: ['bucket'],
    columns: [c('bucket', 'text'), c('max_bytes', 'int'), c('max_objects', 'int')],
  },
];
