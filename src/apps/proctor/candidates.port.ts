// The CandidateStore port: the proctor's name records (the tutorial's DynamoDB table), keyed by the ExternalImageId
// under which the candidate's face is indexed.
import type { Staged } from '../../db/unit-of-work.ts';

export interface Candidate {
  externalImageId: string;
  fullName: string;
  faceId: string;
  createdAt: Date;
}

export interface CandidateStore {
  insert(c: Candidate): Promise<void>;
  get(externalImageId: string): Promise<Candidate | undefined>;
  /** Newest first. */
  list(limit: number): Promise<Candidate[]>;
  delete(externalImageId: string): Promise<boolean>;
  // The same writes staged for a unit of work, to commit with the candidate's face (CollectionService.commitFaces).
  stageInsert(c: Candidate): Staged;
  stageDelete(externalImageId: string): Staged;
}
