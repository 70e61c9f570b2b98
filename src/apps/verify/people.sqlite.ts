// SQLite driver of the PeopleStore, on the deployment database (src/db/sqlite.database.ts). Migrations are numbered by
// position.
import type { Database } from 'better-sqlite3';
import { migrate } from '../sqlite.migrate.ts';
import type { Person, PersonRow, PeopleStore, PhotoRow } from './people.port.ts';

const MIGRATIONS = [
  `CREATE TABLE people (
     person_id TEXT PRIMARY KEY,
     collection_id TEXT NOT NULL,
     name TEXT NOT NULL,
     email TEXT,
     phone TEXT,
     fields TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL
   );
   CREATE INDEX people_by_name ON people (collection_id, name, person_id);
   CREATE TABLE person_photos (
     photo_id TEXT PRIMARY KEY,
     person_id TEXT NOT NULL REFERENCES people(person_id) ON DELETE CASCADE,
     face_id TEXT NOT NULL,
     object_key TEXT NOT NULL,
     thumbnail_key TEXT NOT NULL,
     box TEXT NOT NULL,
     created_at INTEGER NOT NULL
   );
   CREATE INDEX person_photos_by_person ON person_photos (person_id, created_at);`,
  `CREATE INDEX person_photos_by_face ON person_photos (face_id);`,
  // The object sweep asks whether a row still refers to an object key.
  `CREATE INDEX person_photos_by_object ON person_photos (object_key);
   CREATE INDEX person_photos_by_thumbnail ON person_photos (thumbnail_key);`,
];

interface PersonDb {
  person_id: string;
  collection_id: string;
  name: string;
  email: string | null;
  phone: string | null;
  fields: string;
  created_at: number;
  updated_at: number;
}
interface PhotoDb {
  photo_id: string;
  person_id: string;
  face_id: string;
  object_key: string;
  thumbnail_key: string;
  box: string;
  created_at: number;
}

const personFrom = (r: PersonDb): PersonRow => ({
  personId: r.person_id,
  collectionId: r.collection_id,
  name: r.name,
  email: r.email,
  phone: r.phone,
  fields: JSON.parse(r.fields) as Record<string, string>,
  createdAt: new Date(r.created_at),
  updatedAt: new Date(r.updated_at),
});
const photoFrom = (r: PhotoDb): PhotoRow => ({
  photoId: r.photo_id,
  personId: r.person_id,
  faceId: r.face_id,
  objectKey: r.object_key,
  thumbnailKey: r.thumbnail_key,
  box: JSON.parse(r.box) as PhotoRow['box'],
  createdAt: new Date(r.created_at),
});

export function sqlitePeopleStore(db: Database): PeopleStore {
  migrate(db, 'people', MIGRATIONS);
  const insPerson = db.prepare(
    `INSERT INTO people (person_id, collection_id, name, email, phone, fields, created_at, updated_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const insPhoto = db.prepare(
    `INSERT INTO person_photos (photo_id, person_id, face_id, object_key, thumbnail_key, box, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const getPerson = db.prepare<[string], PersonDb>(`SELECT * FROM people WHERE person_id = ?`);
  const photosOf = db.prepare<[string], PhotoDb>(
    `SELECT * FROM person_photos WHERE person_id = ? ORDER BY created_at, photo_id`,
  );
  const listPeople = db.prepare<[string, string, string, string, string, number], PersonDb>(
    `SELECT * FROM people WHERE collection_id = ? AND (name, person_id) > (?, ?)
       AND (? = '' OR instr(lower(name || ' ' || coalesce(email, '') || ' ' || coalesce(phone, '')), ?) > 0)
     ORDER BY name, person_id LIMIT ?`,
  );
  const byFace = db.prepare<[string], PhotoDb>(`SELECT * FROM person_photos WHERE face_id = ?`);
  const refersTo = db.prepare(`SELECT 1 FROM person_photos WHERE object_key = ? OR thumbnail_key = ? LIMIT 1`);
  const delPhoto = db.prepare(`DELETE FROM person_photos WHERE person_id = ? AND photo_id = ?`);
  const delPerson = db.prepare(`DELETE FROM people WHERE person_id = ?`);
  const delPhotos = db.prepare(`DELETE FROM person_photos WHERE person_id = ?`);
  // Explicit rather than relying on ON DELETE CASCADE, which needs foreign_keys=ON on every connection.
  const remove = db.transaction((id: string) => {
    delPhotos.run(id);
    return delPerson.run(id).changes === 1;
  });

  const addPhotos = (photos: PhotoRow[]) => {
    for (const p of photos) {
      insPhoto.run(
        p.photoId,
        p.personId,
        p.faceId,
        p.objectKey,
        p.thumbnailKey,
        JSON.stringify(p.box),
        p.createdAt.getTime(),
      );
    }
  };
  const insert = db.transaction((p: PersonRow, photos: PhotoRow[]) => {
    insPerson.run(
      p.personId,
      p.collectionId,
      p.name,
      p.email,
      p.phone,
      JSON.stringify(p.fields),
      p.createdAt.getTime(),
      p.updatedAt.getTime(),
    );
    addPhotos(photos);
  });
  const withPhotos = (r: PersonDb): Person => ({ ...personFrom(r), photos: photosOf.all(r.person_id).map(photoFrom) });

  return {
    insert: async (person, photos) => insert(person, photos),
    get: async (id) => {
      const r = getPerson.get(id);
      return r && withPhotos(r);
    },
    getMany: async (ids) =>
      ids.flatMap((id) => {
        const r = getPerson.get(id);
        return r ? [withPhotos(r)] : [];
      }),
    list: async (q) => {
      const s = (q.search ?? '').toLowerCase();
      return listPeople
        .all(q.collectionId, q.after?.name ?? '', q.after?.personId ?? '', s, s, q.limit)
        .map(withPhotos);
    },
    update: async (id, patch, at) => {
      const cur = getPerson.get(id);
      if (!cur) return false;
      const next = { ...personFrom(cur), ...patch };
      db.prepare(
        `UPDATE people SET name = ?, email = ?, phone = ?, fields = ?, updated_at = ? WHERE person_id = ?`,
      ).run(next.name, next.email, next.phone, JSON.stringify(next.fields), at.getTime(), id);
      return true;
    },
    addPhotos: async (photos) => db.transaction(addPhotos)(photos),
    photoByFace: async (faceId) => {
      const r = byFace.get(faceId);
      return r && photoFrom(r);
    },
    deletePhoto: async (personId, photoId) => delPhoto.run(personId, photoId).changes === 1,
    delete: async (id) => remove(id),
    referencedKeys: async (keys) => {
      const found = new Set<string>();
      for (const k of keys) if (refersTo.get(k, k)) found.add(k);
      return found;
    },
    stageInsert: (person, photos) => ({ sqlite: () => insert(person, photos) }),
    stageAddPhotos: (photos) => ({ sqlite: () => addPhotos(photos) }),
    stageDelete: (id) => ({ sqlite: () => void remove(id) }),
    stageDeletePhoto: (personId, photoId) => ({ sqlite: () => void delPhoto.run(personId, photoId) }),
  };
}
