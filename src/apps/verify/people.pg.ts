// Postgres driver of the PeopleStore, on the deployment's pool and schema (src/db/pg.database.ts).
import type { Pool } from 'pg';
import { migratePg, pgIdent } from '../../db/pg.migrate.ts';
import { withPgTransaction } from '../../db/pg.database.ts';
import type { SqlClient } from '../../db/unit-of-work.ts';
import type { Person, PersonRow, PeopleStore, PhotoRow } from './people.port.ts';

const MIGRATIONS = [
  `CREATE TABLE \${schema}.people (
     person_id TEXT PRIMARY KEY, collection_id TEXT NOT NULL, name TEXT NOT NULL, email TEXT, phone TEXT,
     fields JSONB NOT NULL, created_at TIMESTAMPTZ NOT NULL, updated_at TIMESTAMPTZ NOT NULL);
   CREATE INDEX people_by_name ON \${schema}.people (collection_id, name COLLATE "C", person_id COLLATE "C");
   CREATE TABLE \${schema}.person_photos (
     photo_id TEXT PRIMARY KEY, person_id TEXT NOT NULL REFERENCES \${schema}.people (person_id) ON DELETE CASCADE,
     face_id TEXT NOT NULL, object_key TEXT NOT NULL, thumbnail_key TEXT NOT NULL, box JSONB NOT NULL,
     created_at TIMESTAMPTZ NOT NULL);
   CREATE INDEX person_photos_by_person ON \${schema}.person_photos (person_id, created_at);
   CREATE INDEX person_photos_by_face ON \${schema}.person_photos (face_id);
   CREATE INDEX person_photos_by_object ON \${schema}.person_photos (object_key);
   CREATE INDEX person_photos_by_thumbnail ON \${schema}.person_photos (thumbnail_key);`,
];

interface PersonDb {
  person_id: string;
  collection_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  fields: Record<string, string>;
  created_at: Date;
  updated_at: Date;
}
interface PhotoDb {
  photo_id: string;
  person_id: string;
  face_id: string;
  object_key: string;
  thumbnail_key: string;
  box: PhotoRow['box'];
  created_at: Date;
}

const personFrom = (r: PersonDb): PersonRow => ({
  personId: r.person_id,
  collectionId: r.collection_id,
  name: r.name,
  email: r.email,
  phone: r.phone,
  fields: r.fields,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});
const photoFrom = (r: PhotoDb): PhotoRow => ({
  photoId: r.photo_id,
  personId: r.person_id,
  faceId: r.face_id,
  objectKey: r.object_key,
  thumbnailKey: r.thumbnail_key,
  box: r.box,
  createdAt: r.created_at,
});

export async function pgPeopleStore(pool: Pool, schema = 'public'): Promise<PeopleStore> {
  await migratePg(pool, 'people', MIGRATIONS, schema);
  const s = pgIdent(schema);

  const insertPhotos = async (c: SqlClient, photos: PhotoRow[]) => {
    for (const p of photos) {
      await c.query(
        `INSERT INTO ${s}.person_photos (photo_id, person_id, face_id, object_key, thumbnail_key, box, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7)`,
        [p.photoId, p.personId, p.faceId, p.objectKey, p.thumbnailKey, JSON.stringify(p.box), p.createdAt],
      );
    }
  };
  const insert = async (c: SqlClient, p: PersonRow, photos: PhotoRow[]) => {
    await c.query(
      `INSERT INTO ${s}.people (person_id, collection_id, name, email, phone, fields, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
      [p.personId, p.collectionId, p.name, p.email, p.phone, JSON.stringify(p.fields), p.createdAt, p.updatedAt],
    );
    await insertPhotos(c, photos);
  };
  const remove = async (c: SqlClient, id: string) => {
    await c.query(`DELETE FROM ${s}.person_photos WHERE person_id = $1`, [id]);
    return ((await c.query(`DELETE FROM ${s}.people WHERE person_id = $1`, [id])).rowCount ?? 0) === 1;
  };
  const removePhoto = async (c: SqlClient, personId: string, photoId: string) =>
    ((await c.query(`DELETE FROM ${s}.person_photos WHERE person_id = $1 AND photo_id = $2`, [personId, photoId]))
      .rowCount ?? 0) === 1;

  /** People with their photos, in the order of `rows`. */
  const withPhotos = async (rows: PersonDb[]): Promise<Person[]> => {
    if (rows.length === 0) return [];
    const { rows: photos } = await pool.query<PhotoDb>(
      `SELECT * FROM ${s}.person_photos WHERE person_id = ANY($1::text[]) ORDER BY created_at, photo_id`,
      [rows.map((r) => r.person_id)],
    );
    return rows.map((r) => ({
      ...personFrom(r),
      photos: photos.filter((p) => p.person_id === r.person_id).map(photoFrom),
    }));
  };
  const byIds = async (ids: string[]) =>
    (await pool.query<PersonDb>(`SELECT * FROM ${s}.people WHERE person_id = ANY($1::text[])`, [ids])).rows;

  return {
    insert: (person, photos) => withPgTransaction(pool, (c) => insert(c, person, photos)),
    get: async (id) => (await withPhotos(await byIds([id])))[0],
    getMany: async (ids) => {
      const found = new Map((await withPhotos(await byIds(ids))).map((p) => [p.personId, p]));
      return ids.flatMap((id) => found.get(id) ?? []);
    },
    list: async (q) => {
      const search = (q.search ?? '').toLowerCase();
      const { rows } = await pool.query<PersonDb>(
        `SELECT * FROM ${s}.people WHERE collection_id = $1
           AND (name COLLATE "C", person_id COLLATE "C") > ($2, $3)
           AND ($4 = '' OR strpos(lower(name || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '')), $4) > 0)
         ORDER BY name COLLATE "C", person_id COLLATE "C" LIMIT $5`,
        [q.collectionId, q.after?.name ?? '', q.after?.personId ?? '', search, q.limit],
      );
      return withPhotos(rows);
    },
    update: async (id, patch, at) => {
      const [cur] = await byIds([id]);
      if (!cur) return false;
      const next = { ...personFrom(cur), ...patch };
      await pool.query(
        `UPDATE ${s}.people SET name = $1, email = $2, phone = $3, fields = $4, updated_at = $5 WHERE person_id = $6`,
        [next.name, next.email, next.phone, JSON.stringify(next.fields), at, id],
      );
      return true;
    },
    addPhotos: (photos) => withPgTransaction(pool, (c) => insertPhotos(c, photos)),
    deletePhoto: (personId, photoId) => withPgTransaction(pool, (c) => removePhoto(c, personId, photoId)),
    photoByFace: async (faceId) => {
      const { rows } = await pool.query<PhotoDb>(`SELECT * FROM ${s}.person_photos WHERE face_id = $1 LIMIT 1`, [
        faceId,
      ]);
      return rows[0] && photoFrom(rows[0]);
    },
    delete: (id) => withPgTransaction(pool, (c) => remove(c, id)),
    referencedKeys: async (keys) => {
      if (keys.length === 0) return new Set();
      const { rows } = await pool.query<{ k: string }>(
        `SELECT object_key AS k FROM ${s}.person_photos WHERE object_key = ANY($1::text[])
         UNION SELECT thumbnail_key FROM ${s}.person_photos WHERE thumbnail_key = ANY($1::text[])`,
        [keys],
      );
      return new Set(rows.map((r) => r.k));
    },
    stageInsert: (person, photos) => ({ pg: (c) => insert(c, person, photos) }),
    stageAddPhotos: (photos) => ({ pg: (c) => insertPhotos(c, photos) }),
    stageDelete: (id) => ({ pg: async (c) => void (await remove(c, id)) }),
    stageDeletePhoto: (personId, photoId) => ({ pg: async (c) => void (await removePhoto(c, personId, photoId)) }),
  };
}
