// Which process runs a camera. On the embedded default there is one process and it runs every camera. When cameras
// are shared through Postgres, several processes of the worker or all role could each open the same stream and
// decide the same visits twice (two door unlocks, two SMS): each camera is claimed with a session-level advisory lock
// on one connection held for the purpose, so exactly one process runs it. A process that dies or loses that
// connection loses its claims with it (Postgres releases session locks), and another process takes the camera at its
// next sync (camera.manager.ts).
import type { Pool, PoolClient } from 'pg';
import type { Logger } from '../logger.ts';

export interface CameraClaims {
  /** True when this process may run the camera: it holds the claim until release, close or loss. */
  claim(cameraId: string): Promise<boolean>;
  release(cameraId: string): Promise<void>;
  /** `lost` is called when every claim was lost at once (the connection holding them dropped). */
  onLost(lost: () => void): void;
  close(): Promise<void>;
}

/** The embedded default: this process is the only one. */
export const soleProcessClaims = (): CameraClaims => ({
  claim: async () => true,
  release: async () => undefined,
  onLost: () => undefined,
  close: async () => undefined,
});

/** Advisory locks keyed by hashtextextended('facegate.camera/<schema>/<id>'): a hash collision only means one
 * process runs both cameras, never that two run one. */
export function pgCameraClaims(pool: Pool, schema: string, log: Logger): CameraClaims {
  let client: Promise<PoolClient> | undefined;
  const held = new Set<string>();
  const lostHandlers: (() => void)[] = [];
  const key = (id: string) => `facegate.camera/${schema}/${id}`;

  const lose = (c: PoolClient | undefined, err?: unknown) => {
    if (err) log.error({ err }, 'camera claims connection lost: cameras stop here until claimed again');
    client = undefined;
    c?.release(true);
    if (!held.size) return;
    held.clear();
    for (const f of lostHandlers) f();
  };
  const connection = (): Promise<PoolClient> =>
    (client ??= pool.connect().then((c) => {
      c.on('error', (e) => lose(c, e));
      return c;
    })).catch((e: unknown) => {
      client = undefined;
      throw e;
    });

  return {
    async claim(id) {
      if (held.has(id)) return true;
      const c = await connection();
      try {
        const { rows } = await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock(hashtextextended($1, 0)) AS ok', [
          key(id),
        ]);
        if (rows[0]?.ok) held.add(id);
        return rows[0]?.ok === true;
      } catch (e) {
        lose(c, e);
        throw e;
      }
    },
    async release(id) {
      if (!held.delete(id)) return;
      const c = await client;
      await c?.query('SELECT pg_advisory_unlock(hashtextextended($1, 0))', [key(id)]).catch((e: unknown) => lose(c, e));
    },
    onLost: (f) => void lostHandlers.push(f),
    async close() {
      held.clear();
      const c = await client?.catch(() => undefined);
      client = undefined;
      // Destroyed rather than returned to the pool: closing the session releases every lock it holds.
      c?.release(true);
    },
  };
}
