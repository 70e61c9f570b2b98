// The apps keep their faces in a collection of their own, created on first use. Safe when two requests race.
import { FacegateError } from '../errors.ts';
import type { CollectionService } from '../collections/collection.service.ts';

export async function ensureCollection(
  collections: Pick<CollectionService, 'createCollection' | 'describeCollection'>,
  collectionId: string,
): Promise<void> {
  try {
    await collections.describeCollection(collectionId);
  } catch (e) {
    if (!(e instanceof FacegateError && e.code === 'NOT_FOUND')) throw e;
    try {
      await collections.createCollection({ collectionId });
    } catch (e2) {
      if (!(e2 instanceof FacegateError && e2.code === 'ALREADY_EXISTS')) throw e2;
    }
  }
}
