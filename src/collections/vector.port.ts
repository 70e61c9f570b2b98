// The VectorIndex port: nearest descriptors by cosine similarity, per collection. The index is derived state: the
// MetadataStore holds the truth and the index is rebuilt from it at start (or is the database itself, e.g. pgvector).
// Contract: test/contract/vector.contract.ts.

export interface VectorHit {
  id: string;
  /** Cosine similarity in [-1, 1] (dot product of unit vectors). */
  score: number;
}

export interface VectorIndex {
  /** Vectors are copied; their length must equal the collection's dimension (set by the first add). */
  add(collectionId: string, items: { id: string; vector: Float32Array }[]): Promise<void>;
  /** Removes the ids present; unknown ids are ignored. */
  remove(collectionId: string, ids: string[]): Promise<void>;
  dropCollection(collectionId: string): Promise<void>;
  /**
   * The k best by score, best first; equal scores ordered by id ascending so results are stable.
   * `accept` (optional) filters ids before ranking.
   */
  search(collectionId: string, query: Float32Array, k: number, accept?: (id: string) => boolean): Promise<VectorHit[]>;
  /** The stored vector (dequantised when the driver quantises), or undefined. */
  get(collectionId: string, id: string): Promise<Float32Array | undefined>;
  size(collectionId: string): Promise<number>;
  /** Optional capability: make room for `count` vectors of length `dim` at once (used when loading at start). */
  reserve?(collectionId: string, dim: number, count: number): Promise<void>;
}
