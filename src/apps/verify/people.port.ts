// The PeopleStore port: who a registered person is (name, contact, free fields) and which photos/faces are theirs.
// Faces and descriptors live in the collection (CollectionService); this store only links to them by id.
import type { Staged } from '../../db/unit-of-work.ts';
import type { Box } from '../../vision/vision.types.ts';

export interface PhotoRow {
  photoId: string;
  personId: string;
  /** The face indexed from this photo in the person's collection. */
  faceId: string;
  /** Object keys in the people bucket. */
  objectKey: string;
  thumbnailKey: string;
  /** Where the face is in the photo (ratios). */
  box: Box;
  createdAt: Date;
}

export interface PersonRow {
  personId: string;
  collectionId: string;
  name: string;
  email: string | null;
  phone: string | null;
  /** Free string fields (employee number, department, …). */
  fields: Record<string, string>;
  createdAt: Date;
  updatedAt: Date;
}

export interface Person extends PersonRow {
  photos: PhotoRow[];
}

export interface PeopleQuery {
  collectionId: string;
  /** Keyset pagination by (name, personId). */
  after?: { name: string; personId: string };
  limit: number;
  /** Case-insensitive substring of the name, e-mail or phone. */
  search?: string;
}

export interface PeopleStore {
  /** The person and their photos in one transaction. */
  insert(person: PersonRow, photos: PhotoRow[]): Promise<void>;
  get(personId: string): Promise<Person | undefined>;
  /** Several at once (identify answers); missing ids are left out. */
  getMany(personIds: string[]): Promise<Person[]>;
  list(query: PeopleQuery): Promise<Person[]>;
  update(
    personId: string,
    patch: Partial<Pick<PersonRow, 'name' | 'email' | 'phone' | 'fields'>>,
    at: Date,
  ): Promise<boolean>;
  addPhotos(photos: PhotoRow[]): Promise<void>;
  deletePhoto(personId: string, photoId: string): Promise<boolean>;
  /** The photo a face was indexed from (faces of the people collection only). */
  photoByFace(faceId: string): Promise<PhotoRow | undefined>;
  /** Deletes the person with their photo rows; false when absent. */
  delete(personId: string): Promise<boolean>;
  /** Of these object keys (people bucket), those a photo row refers to (as original or thumbnail). */
  referencedKeys(keys: string[]): Promise<Set<string>>;

  // The same writes staged for a unit of work, to commit with the faces (CollectionService.commitFaces).
  stageInsert(person: PersonRow, photos: PhotoRow[]): Staged;
  stageAddPhotos(photos: PhotoRow[]): Staged;
  stageDelete(personId: string): Staged;
  stageDeletePhoto(personId: string, photoId: string): Staged;
}
