// Bucket quotas as the container builds them: the store on the deployment database (Postgres when
// FACEGATE_DATABASE_URL is set, so that every process counts one usage), the defaults from the config, and the
// object store wrapped so that every write to a user bucket is counted.
import type { Config } from '../../config/config.schema.ts';
import type { StateDatabase } from '../../db/state.database.ts';
import type { ObjectStore } from '../object-store.port.ts';
import { SERVICE_BUCKETS } from '../service.buckets.ts';
import { pgBucketQuotaStore } from './bucket-quota.pg.ts';
import { BucketQuotas } from './bucket-quota.service.ts';
import { sqliteBucketQuotaStore } from './bucket-quota.sqlite.ts';
import { countBucket, QuotaObjectStore } from './quota.object-store.ts';

export async function withBucketQuotas(
  inner: ObjectStore,
  config: Readonly<Config>,
  database: StateDatabase,
  /** Bytes held for a bucket outside it (S3 multipart parts staged in the catalog). */
  staged: (bucket: string) => Promise<number> = async () => 0,
): Promise<QuotaObjectStore> {
  const store = database.pg
    ? await pgBucketQuotaStore(database.pg.pool, database.pg.schema)
    : sqliteBucketQuotaStore(database.sqlite.db);
  const quotas = new BucketQuotas({
    store,
    defaults: { maxBytes: config.objectStore.bucketQuotaBytes, maxObjects: config.objectStore.bucketQuotaObjects },
    exempt: SERVICE_BUCKETS,
    count: async (bucket) => {
      const [held, parts] = await Promise.all([countBucket(inner, bucket), staged(bucket)]);
      return { bytes: held.bytes + parts, objects: held.objects };
    },
  });
  return new QuotaObjectStore(inner, quotas);
}
