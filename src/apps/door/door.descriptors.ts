// Unknown visitors' descriptors at rest (door_pending.descriptor, door_denials.descriptor): float32 bytes, sealed
// with the deployment's descriptor cipher when encryption at rest is on (governance/crypto), each bound to
// `<table>:<id>` so a sealed value copied to another row or table does not open. The colon keeps these apart from
// the faces' `<collection>/<face>` (a face's always has a slash, a door row's has none: ids are UUIDs), so no
// collection name can be chosen to open a door descriptor as a face's. Values stored before encryption was switched on
// carry no marker and read as they are, until `facegate keys reencrypt` seals them.
import type { BlobCipher } from '../../collections/metadata.port.ts';
import type { SqlExecutor } from './sql.executor.ts';

export const DOOR_DESCRIPTOR_TABLES = ['door_pending', 'door_denials'] as const;
export type DoorDescriptorTable = (typeof DOOR_DESCRIPTOR_TABLES)[number];

/** The associated data a door descriptor is sealed with (also used by `facegate migrate`). */
export const doorDescriptorAad = (table: DoorDescriptorTable, id: string): string => `${table}:${id}`;

/** float32 bytes (little-endian, as Float32Array lays them out on every platform Node runs on). */
const bytesOf = (d: Float32Array): Buffer => Buffer.from(d.buffer, d.byteOffset, d.byteLength);

const floatsOf = (b: Uint8Array): Float32Array => {
  // Copy: the driver's Buffer may be a slice of a pooled, unaligned ArrayBuffer.
  const copy = new Uint8Array(b.byteLength);
  copy.set(b);
  return new Float32Array(copy.buffer);
};

/** How the door store writes and reads the descriptor column: sealed with a cipher, float32 bytes without. */
export interface DoorDescriptors {
  stored(table: DoorDescriptorTable, id: string, d: Float32Array): Buffer;
  read(table: DoorDescriptorTable, id: string, stored: unknown): Float32Array;
}

export function doorDescriptors(cipher?: BlobCipher): DoorDescriptors {
  return {
    stored: (table, id, d) => (cipher ? cipher.seal(bytesOf(d), doorDescriptorAad(table, id)) : bytesOf(d)),
    read: (table, id, stored) => {
      const b = Buffer.from(stored as Uint8Array);
      return floatsOf(cipher ? cipher.open(b, doorDescriptorAad(table, id)) : b);
    },
  };
}

/**
 * Re-seals every door descriptor not sealed under the active data key (after a rotation, or stored before
 * encryption was switched on); returns how many. Keyset pages of 500 by id; a row is replaced only if unchanged since
 * it was read, so a concurrent delete (retention, erasure) wins.
 */
export async function resealDoorDescriptors(sql: SqlExecutor, cipher: BlobCipher): Promise<number> {
  let n = 0;
  for (const table of DOOR_DESCRIPTOR_TABLES) {
    for (let after = ''; ;) {
      const rows = await sql.all<{ id: string; descriptor: Uint8Array }>(
        `SELECT id, descriptor FROM ~${table} WHERE id > ? ORDER BY id LIMIT 500`,
        [after],
      );
      for (const r of rows) {
        const stored = Buffer.from(r.descriptor);
        if (cipher.current(stored)) continue;
        const aad = doorDescriptorAad(table, r.id);
        const sealed = cipher.seal(cipher.open(stored, aad), aad);
        n += await sql.run(`UPDATE ~${table} SET descriptor = ? WHERE id = ? AND descriptor = ?`, [
          sealed,
          r.id,
          stored,
        ]);
      }
      if (rows.length < 500) break;
      after = rows[rows.length - 1]!.id;
    }
  }
  return n;
}
