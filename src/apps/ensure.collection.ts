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

/**
 * The collection an app owns: created on first use, and re-created when it was deleted behind the app's back (e.g.
 * DeleteCollection over the Rekognition API), so that the app keeps working and a person can still be deleted.
 */
export class OwnCollection {
  private ready = false;

  constructor(
    private readonly collections: Pick<CollectionService, 'createCollection' | 'describeCollection'>,
    readonly id: string,
  ) {}

  async use<T>(fn: () => Promise<T>): Promise<T> {
    if (!this.ready) await this.ensure();
    try {
      return await fn();
    } catch (e) {
      if (!(e instanceof FacegateError && e.code === 'NOT_FOUND')) throw e;
      this.ready = false;
      await this.ensure();
      return fn();
    }
  }

  private async ensure(): Promise<void> {
    await ensureCollection(this.collections, this.id);
    this.ready = true;
  }
}
