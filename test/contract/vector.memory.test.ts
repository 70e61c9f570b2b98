import { MemoryVectorIndex } from '../../src/collections/memory.vector.driver.ts';
import { vectorIndexContract } from './vector.contract.ts';

vectorIndexContract('in-memory float32', async () => new MemoryVectorIndex(), 1e-5);
// Per-vector int8 with an int16 query: the scan's error on a cosine stays well under 0.02.
vectorIndexContract('in-memory int8', async () => new MemoryVectorIndex({ quantize: true }), 0.02);
