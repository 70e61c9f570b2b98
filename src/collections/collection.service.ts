// CollectionService: the Rekognition collection model (collections, faces, users, search) over ports only.
// Both APIs (Rekognition protocol, REST) call this; it validates its own inputs so both get the same errors.
// Write order: the MetadataStore first (one transaction), then the VectorIndex, so an acknowledged face is durable
// and the index can always be rebuilt from the store.
import type { Staged } from '../db/unit-of-work.ts';
import type { FaceEngine } from '../vision/vision.types.ts';
import type { ObjectStore } from '../storage/object-store.port.ts';
import type { Clock, IdGenerator } from './clock.port.ts';
import type { MetadataStore } from './metadata.port.ts';
import type { VectorIndex } from './vector.port.ts';
import type {
  AssociateFacesRequest,
  AssociateFacesResult,
  Collection,
  CreateCollectionRequest,
  CreateCollectionResult,
  DeleteFacesResult,
  DisassociateFacesRequest,
  DisassociateFacesResult,
  FaceMatch,
  IndexFacesRequest,
  IndexFacesResult,
  ListCollectionsResult,
  ListFacesRequest,
  ListFacesResult,
  ListUsersResult,
  Page,
  SearchFacesByImageRequest,
  SearchFacesByImageResult,
  SearchFacesRequest,
  SearchFacesResult,
  SearchUsersByImageRequest,
  SearchUsersByImageResult,
  SearchUsersRequest,
  SearchUsersResult,
  UserRequest,
} from './collection.types.ts';
import { FacegateError } from '../errors.ts';
import { check, schemas } from './collection.schemas.ts';
import * as faces from './face.ops.ts';
import { arnOf, createContext, type Ctx } from './service.context.ts';
import * as users from './user.ops.ts';
import * as userSearch from './user.search.ts';

export interface CollectionServiceDeps {
  metadata: MetadataStore;
  vectors: VectorIndex;
  /** Where Image.S3Object references are read from. */
  objects: ObjectStore;
  engine: FaceEngine;
  clock: Clock;
  ids: IdGenerator;
  /** HMAC key for pagination tokens (MetadataStore.secret('pagination') in production). */
  tokenKey: Uint8Array;
  /** For ARNs: `aws:rekognition:<region>:<account>:collection/<id>`. */
  region?: string;
  account?: string;
  /** Governance: throws (CONSENT_REQUIRED) when a face of this subject may not be indexed in this collection. */
  indexGuard?: (collectionId: string, externalImageId: string | undefined) => Promise<void>;
}

/**
 * The collection model's use cases. Methods validate their input (INVALID_PARAMETER), and throw FacegateError
 * NOT_FOUND, ALREADY_EXISTS, CONFLICT, MODEL_MISMATCH, NO_FACE, IDEMPOTENCY_MISMATCH, INVALID_PAGINATION_TOKEN,
 * INVALID_S3_OBJECT or SERVICE_QUOTA_EXCEEDED as Rekognition would.
 */
export class CollectionService {
  private readonly ctx: Ctx;

  constructor(deps: CollectionServiceDeps) {
    this.ctx = createContext(deps);
  }

  /** The model new collections are created with (the engine's). */
  get faceModelVersion(): string {
    return this.ctx.engine.faceModelVersion;
  }

  async createCollection(input: CreateCollectionRequest): Promise<CreateCollectionResult> {
    const req = check(schemas.createCollection, input);
    const { engine } = this.ctx;
    await this.ctx.metadata.createCollection({
      id: req.collectionId,
      faceModelVersion: engine.faceModelVersion,
      descriptorSize: engine.descriptorSize,
      createdAt: this.ctx.clock.now(),
      tags: req.tags ?? {},
    });
    return { collectionArn: arnOf(this.ctx, req.collectionId), faceModelVersion: engine.faceModelVersion };
  }

  /** Removes the collection with every face, user and vector. */
  async deleteCollection(collectionId: string): Promise<void> {
    const id = check(schemas.collectionId, collectionId);
    await this.ctx.lock.run(id, async () => {
      if (!(await this.ctx.metadata.deleteCollection(id)))
        throw new FacegateError('NOT_FOUND', `Collection ${id} not found`);
      await this.ctx.vectors.dropCollection(id);
    });
  }

  async listCollections(input: Page = {}): Promise<ListCollectionsResult> {
    const req = check(schemas.page(4096), input);
    const scope = 'ListCollections';
    const afterId = req.nextToken === undefined ? undefined : this.ctx.tokens.read(scope, req.nextToken);
    const limit = req.maxResults ?? 1000;
    const rows = await this.ctx.metadata.listCollections(afterId, limit + 1);
    const page = rows.slice(0, limit);
    const result: ListCollectionsResult = {
      collectionIds: page.map((c) => c.id),
      faceModelVersions: page.map((c) => c.faceModelVersion),
    };
    if (rows.length > limit) result.nextToken = this.ctx.tokens.issue(scope, page[page.length - 1]!.id);
    return result;
  }

  async describeCollection(collectionId: string): Promise<Collection> {
    const id = check(schemas.collectionId, collectionId);
    const c = await this.ctx.metadata.collectionStats(id);
    if (!c) throw new FacegateError('NOT_FOUND', `Collection ${id} not found`);
    return {
      collectionId: c.id,
      collectionArn: arnOf(this.ctx, c.id),
      faceModelVersion: c.faceModelVersion,
      createdAt: c.createdAt,
      faceCount: c.faceCount,
      userCount: c.userCount,
    };
  }

  indexFaces(req: IndexFacesRequest): Promise<IndexFacesResult> {
    return faces.indexFaces(this.ctx, req);
  }
  /** IndexFaces without writing: commit the result with commitFaces, together with other parts' rows. */
  prepareIndexFaces(req: IndexFacesRequest): Promise<faces.PreparedFaces> {
    return faces.prepareIndexFaces(this.ctx, req);
  }
  /** Prepared faces of one collection and `also` in one transaction; the vector index after the commit. */
  commitFaces(collectionId: string, prepared: readonly faces.PreparedFaces[], also: readonly Staged[]): Promise<void> {
    return faces.commitFaces(this.ctx, collectionId, prepared, also);
  }
  /** Faces (associated or not) and `also` deleted in one transaction; `erase` for personal data. */
  deleteFacesWith(
    collectionId: string,
    faceIds: readonly string[],
    also: readonly Staged[],
    erase = false,
  ): Promise<void> {
    return faces.deleteFacesWith(this.ctx, collectionId, faceIds, also, erase);
  }
  listFaces(req: ListFacesRequest): Promise<ListFacesResult> {
    return faces.listFaces(this.ctx, req);
  }
  deleteFaces(req: { collectionId: string; faceIds: string[] }): Promise<DeleteFacesResult> {
    return faces.deleteFaces(this.ctx, req);
  }
  searchFaces(req: SearchFacesRequest): Promise<SearchFacesResult> {
    return faces.searchFaces(this.ctx, req);
  }
  searchFacesByImage(req: SearchFacesByImageRequest): Promise<SearchFacesByImageResult> {
    return faces.searchFacesByImage(this.ctx, req);
  }
  /** Search by a descriptor computed elsewhere (camera tracks); best first, at or above the threshold (default 80). */
  searchByDescriptor(req: {
    collectionId: string;
    descriptor: Float32Array;
    maxFaces?: number;
    faceMatchThreshold?: number;
  }): Promise<FaceMatch[]> {
    return faces.searchByDescriptor(this.ctx, req);
  }

  createUser(req: UserRequest): Promise<void> {
    return users.createUser(this.ctx, req);
  }
  deleteUser(req: UserRequest): Promise<void> {
    return users.deleteUser(this.ctx, req);
  }
  listUsers(req: Page & { collectionId: string }): Promise<ListUsersResult> {
    return users.listUsers(this.ctx, req);
  }
  associateFaces(req: AssociateFacesRequest): Promise<AssociateFacesResult> {
    return users.associateFaces(this.ctx, req);
  }
  disassociateFaces(req: DisassociateFacesRequest): Promise<DisassociateFacesResult> {
    return users.disassociateFaces(this.ctx, req);
  }
  searchUsers(req: SearchUsersRequest): Promise<SearchUsersResult> {
    return userSearch.searchUsers(this.ctx, req);
  }
  searchUsersByImage(req: SearchUsersByImageRequest): Promise<SearchUsersByImageResult> {
    return userSearch.searchUsersByImage(this.ctx, req);
  }
}
