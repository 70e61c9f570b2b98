// CollectionService: the Rekognition collection model (collections, faces, users, search) over ports only.
// Both APIs (Rekognition protocol, REST) call this; it validates its own inputs so both get the same errors.
// Write order: the MetadataStore first (one transaction), then the VectorIndex, so an acknowledged face is durable
// and the index can always be rebuilt from the store.
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
}

const todo = (): never => {
  throw new FacegateError('INTERNAL', 'not implemented yet');
};

export class CollectionService {
  constructor(private readonly deps: CollectionServiceDeps) {}

  createCollection(_req: CreateCollectionRequest): Promise<CreateCollectionResult> {
    return todo();
  }
  deleteCollection(_collectionId: string): Promise<void> {
    return todo();
  }
  listCollections(_page: Page): Promise<ListCollectionsResult> {
    return todo();
  }
  describeCollection(_collectionId: string): Promise<Collection> {
    return todo();
  }

  indexFaces(_req: IndexFacesRequest): Promise<IndexFacesResult> {
    return todo();
  }
  listFaces(_req: ListFacesRequest): Promise<ListFacesResult> {
    return todo();
  }
  deleteFaces(_req: { collectionId: string; faceIds: string[] }): Promise<DeleteFacesResult> {
    return todo();
  }
  searchFaces(_req: SearchFacesRequest): Promise<SearchFacesResult> {
    return todo();
  }
  searchFacesByImage(_req: SearchFacesByImageRequest): Promise<SearchFacesByImageResult> {
    return todo();
  }

  createUser(_req: UserRequest): Promise<void> {
    return todo();
  }
  deleteUser(_req: UserRequest): Promise<void> {
    return todo();
  }
  listUsers(_req: Page & { collectionId: string }): Promise<ListUsersResult> {
    return todo();
  }
  associateFaces(_req: AssociateFacesRequest): Promise<AssociateFacesResult> {
    return todo();
  }
  disassociateFaces(_req: DisassociateFacesRequest): Promise<DisassociateFacesResult> {
    return todo();
  }
  searchUsers(_req: SearchUsersRequest): Promise<SearchUsersResult> {
    return todo();
  }
  searchUsersByImage(_req: SearchUsersByImageRequest): Promise<SearchUsersByImageResult> {
    return todo();
  }
}
