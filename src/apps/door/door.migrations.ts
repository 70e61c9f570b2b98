// Numbered migrations of the door's tables, one list per dialect with the same tables and columns (times are Unix
// milliseconds, descriptors float32 bytes or, with encryption at rest, their sealed form (door.descriptors.ts), photos
// JSON). The AWS smart-door sample's DynamoDB `visitors` and `passcodes` tables are door_visitors and door_passcodes.
// Released scripts are never edited: append one.

export const SQLITE_DOOR_MIGRATIONS: readonly string[] = [
  `CREATE TABLE door_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE doors (id TEXT PRIMARY KEY, name TEXT NOT NULL, collection_id TEXT NOT NULL,
     definition TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE TABLE door_visitors (id TEXT PRIMARY KEY, door_id TEXT NOT NULL, name TEXT NOT NULL, phone TEXT NOT NULL,
     face_ids TEXT NOT NULL, photos TEXT NOT NULL, created_at INTEGER NOT NULL);
   CREATE INDEX door_visitors_by_door ON door_visitors (door_id, created_at);
   CREATE TABLE door_visitor_faces (door_id TEXT NOT NULL, face_id TEXT NOT NULL,
     visitor_id TEXT NOT NULL REFERENCES door_visitors (id) ON DELETE CASCADE, PRIMARY KEY (door_id, face_id));
   CREATE TABLE door_passcodes (id TEXT PRIMARY KEY, visitor_id TEXT NOT NULL, door_id TEXT NOT NULL,
     code_hash TEXT NOT NULL, created_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, used_at INTEGER,
     sent_at INTEGER);
   CREATE INDEX door_passcodes_by_hash ON door_passcodes (door_id, code_hash);
   CREATE INDEX door_passcodes_unsent ON door_passcodes (expires_at) WHERE sent_at IS NULL AND used_at IS NULL;
   CREATE TABLE door_pending (id TEXT PRIMARY KEY, door_id TEXT NOT NULL, visit_id TEXT NOT NULL,
     state TEXT NOT NULL, photos TEXT NOT NULL, descriptor BLOB NOT NULL, created_at INTEGER NOT NULL,
     decided_at INTEGER, visitor_id TEXT);
   CREATE INDEX door_pending_by_door ON door_pending (door_id, state, created_at);
   CREATE TABLE door_denials (id TEXT PRIMARY KEY, door_id TEXT NOT NULL, pending_id TEXT NOT NULL,
     descriptor BLOB NOT NULL, denied_at INTEGER NOT NULL, until_at INTEGER NOT NULL);
   CREATE INDEX door_denials_by_door ON door_denials (door_id, until_at);
   CREATE TABLE door_visits (id TEXT PRIMARY KEY, door_id TEXT NOT NULL, kind TEXT NOT NULL, visitor_id TEXT,
     similarity REAL, snapshot TEXT, at INTEGER NOT NULL);
   CREATE INDEX door_visits_by_door ON door_visits (door_id, at);
   CREATE INDEX door_visits_by_visitor ON door_visits (door_id, visitor_id, at);
   CREATE TABLE door_attempts (seq INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, door_id TEXT NOT NULL,
     outcome TEXT NOT NULL, address TEXT NOT NULL, visitor_id TEXT);
   CREATE INDEX door_attempts_by_door ON door_attempts (door_id, at);
   CREATE INDEX door_attempts_by_address ON door_attempts (door_id, address, at);`,
];

export const PG_DOOR_MIGRATIONS: readonly string[] = [
  `CREATE TABLE \${schema}.door_secrets (name TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE \${schema}.doors (id TEXT PRIMARY KEY, name TEXT NOT NULL, collection_id TEXT NOT NULL,
     definition TEXT NOT NULL, created_at BIGINT NOT NULL);
   CREATE TABLE \${schema}.door_visitors (id TEXT PRIMARY KEY, door_id TEXT NOT NULL, name TEXT NOT NULL,
     phone TEXT NOT NULL, face_ids TEXT NOT NULL, photos TEXT NOT NULL, created_at BIGINT NOT NULL);
   CREATE INDEX door_visitors_by_door ON \${schema}.door_visitors (door_id, created_at);
   CREATE TABLE \${schema}.door_visitor_faces (door_id TEXT NOT NULL, face_id TEXT NOT NULL,
     visitor_id TEXT NOT NULL REFERENCES \${schema}.door_visitors (id) ON DELETE CASCADE,
     PRIMARY KEY (door_id, face_id));
   CREATE TABLE \${schema}.door_passcodes (id TEXT PRIMARY KEY, visitor_id TEXT NOT NULL, door_id TEXT NOT NULL,
     code_hash TEXT NOT NULL, created_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, used_at BIGINT,
     sent_at BIGINT);
   CREATE INDEX door_passcodes_by_hash ON \${schema}.door_passcodes (door_id, code_hash);
   CREATE INDEX door_passcodes_unsent ON \${schema}.door_passcodes (expires_at)
     WHERE sent_at IS NULL AND used_at IS NULL;
   CREATE TABLE \${schema}.door_pending (id TEXT PRIMARY KEY, door_id TEXT NOT NULL, visit_id TEXT NOT NULL,
     state TEXT NOT NULL, photos TEXT NOT NULL, descriptor BYTEA NOT NULL, created_at BIGINT NOT NULL,
     decided_at BIGINT, visitor_id TEXT);
   CREATE INDEX door_pending_by_door ON \${schema}.door_pending (door_id, state, created_at);
   CREATE TABLE \${schema}.door_denials (id TEXT PRIMARY KEY, door_id TEXT NOT NULL, pending_id TEXT NOT NULL,
     descriptor BYTEA NOT NULL, denied_at BIGINT NOT NULL, until_at BIGINT NOT NULL);
   CREATE INDEX door_denials_by_door ON \${schema}.door_denials (door_id, until_at);
   CREATE TABLE \${schema}.door_visits (id TEXT PRIMARY KEY, door_id TEXT NOT NULL, kind TEXT NOT NULL,
     visitor_id TEXT, similarity DOUBLE PRECISION, snapshot TEXT, at BIGINT NOT NULL);
   CREATE INDEX door_visits_by_door ON \${schema}.door_visits (door_id, at);
   CREATE INDEX door_visits_by_visitor ON \${schema}.door_visits (door_id, visitor_id, at);
   CREATE TABLE \${schema}.door_attempts (seq BIGSERIAL PRIMARY KEY, at BIGINT NOT NULL, door_id TEXT NOT NULL,
     outcome TEXT NOT NULL, address TEXT NOT NULL, visitor_id TEXT);
   CREATE INDEX door_attempts_by_door ON \${schema}.door_attempts (door_id, at);
   CREATE INDEX door_attempts_by_address ON \${schema}.door_attempts (door_id, address, at);`,
];
