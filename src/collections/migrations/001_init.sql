-- Collections, faces, users and idempotency tokens. Times are milliseconds since the epoch (UTC).
-- Descriptors are little-endian float32 BLOBs of collections.descriptor_size values.
CREATE TABLE collections (
  id TEXT PRIMARY KEY,
  face_model_version TEXT NOT NULL,
  descriptor_size INTEGER NOT NULL,
  created_at INTEGER NOT NULL,
  tags TEXT NOT NULL DEFAULT '{}'
) STRICT;

CREATE TABLE faces (
  collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  image_id TEXT NOT NULL,
  external_image_id TEXT,
  box_left REAL NOT NULL,
  box_top REAL NOT NULL,
  box_width REAL NOT NULL,
  box_height REAL NOT NULL,
  confidence REAL NOT NULL,
  brightness REAL NOT NULL,
  sharpness REAL NOT NULL,
  roll REAL NOT NULL,
  yaw REAL NOT NULL,
  pitch REAL NOT NULL,
  model_version TEXT NOT NULL,
  user_id TEXT,
  created_at INTEGER NOT NULL,
  descriptor BLOB NOT NULL,
  PRIMARY KEY (collection_id, id)
) STRICT;
CREATE INDEX faces_by_user ON faces (collection_id, user_id) WHERE user_id IS NOT NULL;

CREATE TABLE users (
  collection_id TEXT NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
  id TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (collection_id, id)
) STRICT;

CREATE TABLE idempotency_tokens (
  collection_id TEXT NOT NULL,
  scope TEXT NOT NULL,
  token TEXT NOT NULL,
  params_hash TEXT NOT NULL,
  response TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  PRIMARY KEY (collection_id, scope, token)
) STRICT;

CREATE TABLE settings (
  name TEXT PRIMARY KEY,
  value BLOB NOT NULL
) STRICT;
