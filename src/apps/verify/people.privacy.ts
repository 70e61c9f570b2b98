// The people app as a holder of personal data: who a person is (for every other holder), their record, photos,
// thumbnails and faces for subject access, and their erasure (faces and descriptors from the collection and its
// vector index, photos and thumbnails from the object store, the rows).
import type { CollectionService } from '../../collections/collection.service.ts';
import type { PersonalDataHolder, Subject } from '../../governance/privacy.types.ts';
import type { VerifyService } from './verify.service.ts';

export function peopleSubject(verify: VerifyService) {
  return async (personId: string): Promise<Subject> => {
    const p = await verify.get(personId);
    return {
      personId,
      collectionId: p.collectionId,
      faceIds: p.photos.map((ph) => ph.faceId),
      externalIds: [personId],
      phones: p.phone ? [p.phone] : [],
    };
  };
}

export function peopleHolder(
  verify: VerifyService,
  collections: Pick<CollectionService, 'listFaces'>,
): PersonalDataHolder {
  return {
    name: 'people',
    export: async (s) => {
      const p = await verify.get(s.personId);
      const files = [];
      for (const ph of p.photos) {
        for (const kind of ['original', 'thumbnail'] as const) {
          const bytes = await verify.photo(s.personId, ph.photoId, kind).catch(() => undefined);
          if (bytes) files.push({ name: `photos/${ph.photoId}${kind === 'thumbnail' ? '.thumb' : ''}`, bytes });
        }
      }
      const faces = s.faceIds.length
        ? (await collections.listFaces({ collectionId: p.collectionId, faceIds: s.faceIds, maxResults: 4096 })).faces
        : [];
      const { photos, ...person } = p;
      return {
        records: {
          person,
          photos: photos.map((ph) => ({
            photoId: ph.photoId,
            faceId: ph.faceId,
            box: ph.box,
            createdAt: ph.createdAt,
          })),
          faces,
        },
        files,
      };
    },
    erase: async (s) => {
      const p = await verify.get(s.personId).catch(() => undefined);
      if (!p) return 0;
      await verify.delete(s.personId);
      return 1 + p.photos.length * 3;
    },
  };
}
