// The CameraStore port: cameras created through the API and their recent visits. Drivers: camera.sqlite.ts (one
// better-sqlite3 handle shared with the other apps' tables). Cameras from the config file are never stored.
import type { CameraSpec, VisitRecord } from './camera.types.ts';

export interface StoredCamera {
  spec: CameraSpec;
  createdAt: Date;
  updatedAt: Date;
}

export interface CameraStore {
  list(): Promise<StoredCamera[]>;
  get(id: string): Promise<StoredCamera | undefined>;
  /** False when the id exists. */
  create(spec: CameraSpec, at: Date): Promise<boolean>;
  /** False when the id does not exist. */
  update(spec: CameraSpec, at: Date): Promise<boolean>;
  delete(id: string): Promise<boolean>;
  addVisit(visit: VisitRecord): Promise<void>;
  markLeft(visitId: string, at: Date): Promise<void>;
  /** Newest first. */
  recentVisits(filter: { cameraId?: string; limit: number }): Promise<VisitRecord[]>;
  getVisit(id: string): Promise<VisitRecord | undefined>;
  /** Visits whose verdict names one of these ids (faceId, userId or externalImageId): subject access, erasure. */
  visitsNaming(ids: string[]): Promise<VisitRecord[]>;
  /** Visits of the camera decided before `before`, oldest first, at most `limit` (retention). */
  visitsBefore(cameraId: string, before: Date, limit: number): Promise<VisitRecord[]>;
  /** Returns how many went. */
  deleteVisits(ids: string[]): Promise<number>;
}
