// One contract for every AuditStore driver: chaining, filters, tamper detection, redaction that keeps the chain
// verifiable, retention's prefix purge, and the append-only guard.
import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { AuditService } from '../../src/governance/audit.service.ts';
import { draftOf } from '../../src/governance/audit.scope.ts';
import type { AuditStore } from '../../src/governance/audit.types.ts';

export interface AuditDriverHarness {
  store: AuditStore;
  /** Raw edits that bypass the store, as someone with database access could make them. */
  tamper: {
    setColumn(seq: number, column: 'operation' | 'similarity' | 'personal', value: string | number): Promise<void>;
    remove(seq: number): Promise<void>;
  };
  /** Attempts an edit of a chained column through plain SQL (the guard must refuse it). */
  plainUpdate(seq: number): Promise<void>;
  close(): Promise<void>;
}

const caller = { api: 'rest' as const, operation: 'identify', actorKind: 'key', actorId: 'k1', address: '10.0.0.1' };

export function auditStoreContract(name: string, open: () => Promise<AuditDriverHarness>): void {
  describe(`AuditStore contract: ${name}`, () => {
    const opened: AuditDriverHarness[] = [];
    const fresh = async () => {
      const h = await open();
      opened.push(h);
      let ms = Date.parse('2026-03-01T00:00:00Z');
      const clock = { advance: (d: number) => (ms += d) };
      return { h, clock, svc: new AuditService(h.store, () => ms) };
    };
    after(async () => {
      for (const h of opened) await h.close();
    });

    const fill = async (svc: AuditService, clock: { advance(d: number): number }) => {
      for (let i = 0; i < 5; i++) {
        clock.advance(60_000);
        await svc.record(
          draftOf(
            { ...caller, operation: i % 2 ? 'verify' : 'identify' },
            {
              collectionId: 'people',
              personIds: [`p${i}`],
              faceIds: [`f${i}`, 'shared'],
              similarity: 90.5 + i,
              decision: 'matched',
            },
            'ok',
            [`sha${i}`],
          ),
        );
      }
    };

    test('chains entries and verifies them', async () => {
      const { svc, clock } = await fresh();
      await fill(svc, clock);
      const all = await svc.list({ limit: 100 });
      assert.deepEqual(
        all.map((e) => e.seq),
        [1, 2, 3, 4, 5],
      );
      assert.equal(all[1]!.prevHash, all[0]!.hash);
      assert.deepEqual(all[2]!.personal, {
        images: ['sha2'],
        faceIds: ['f2', 'shared'],
        personIds: ['p2'],
        externalImageIds: [],
        userIds: [],
      });
      assert.equal(all[2]!.similarity, 92.5);
      assert.deepEqual(await svc.verify(), { ok: true, checked: 5, anchor: null });
    });

    test('filters by operation, subject, time and cursor', async () => {
      const { svc, clock } = await fresh();
      await fill(svc, clock);
      const seqs = async (f: Parameters<AuditService['list']>[0]) => (await svc.list(f)).map((e) => e.seq);
      assert.deepEqual(await seqs({ operation: 'verify', limit: 10 }), [2, 4]);
      assert.deepEqual(await seqs({ subject: 'p3', limit: 10 }), [4]);
      assert.deepEqual(await seqs({ subject: 'shared', afterSeq: 2, limit: 2 }), [3, 4]);
      const third = (await svc.list({ limit: 10 }))[2]!;
      assert.deepEqual(await seqs({ from: third.at, to: third.at + 60_001, limit: 10 }), [3, 4]);
      assert.deepEqual(await seqs({ actorId: 'nobody', limit: 10 }), []);
      assert.equal(await svc.lastAt('shared'), (await svc.list({ limit: 10 }))[4]!.at);
      assert.equal(await svc.lastAt('p1'), (await svc.list({ limit: 10 }))[1]!.at);
      assert.equal(await svc.lastAt('nobody'), null);
    });

    test('detects an altered field, altered personal fields and a removed entry', async () => {
      for (const [edit, expectSeq, reason] of [
        [(h: AuditDriverHarness) => h.tamper.setColumn(3, 'operation', 'detect'), 3, /altered \(hash/],
        [(h: AuditDriverHarness) => h.tamper.setColumn(2, 'similarity', 12), 2, /altered \(hash/],
        [
          (h: AuditDriverHarness) =>
            h.tamper.setColumn(
              4,
              'personal',
              '{"images":[],"faceIds":[],"personIds":["px"],"externalImageIds":[],"userIds":[]}',
            ),
          4,
          /commitment/,
        ],
        [(h: AuditDriverHarness) => h.tamper.remove(3), 4, /missing/],
      ] as const) {
        const { h, svc, clock } = await fresh();
        await fill(svc, clock);
        await edit(h);
        const v = await svc.verify();
        assert.equal(v.ok, false);
        assert.equal(v.problem?.seq, expectSeq);
        assert.match(v.problem!.reason, reason);
      }
    });

    test('redaction removes the personal fields of entries naming a subject; the chain still verifies', async () => {
      const { svc, clock } = await fresh();
      await fill(svc, clock);
      assert.equal(await svc.redact(['p1', 'f3']), 2);
      const all = await svc.list({ limit: 10 });
      assert.deepEqual(
        all.map((e) => e.personal === null),
        [false, true, false, true, false],
      );
      assert.equal(all[1]!.salt, null);
      assert.ok(all[1]!.redactedAt);
      assert.deepEqual(await svc.list({ subject: 'p1', limit: 10 }), []);
      assert.deepEqual(
        (await svc.list({ subject: 'shared', limit: 10 })).map((e) => e.seq),
        [1, 3, 5],
      );
      assert.equal((await svc.verify()).ok, true);
      assert.equal(await svc.redact(['p1']), 0, 'a second redaction changes nothing');
    });

    test('retention removes the oldest entries and anchors the chain; appends continue it', async () => {
      const { svc, clock } = await fresh();
      await fill(svc, clock);
      const third = (await svc.list({ limit: 10 }))[2]!;
      assert.equal(await svc.purgeOlderThan(0, third.at + 1), 3);
      assert.deepEqual(
        (await svc.list({ limit: 10 })).map((e) => e.seq),
        [4, 5],
      );
      await svc.record(draftOf(caller, {}, 'ok', []));
      const v = await svc.verify();
      assert.deepEqual([v.ok, v.checked, v.anchor], [true, 3, { seq: 3, hash: third.hash }]);
      assert.equal(await svc.purgeOlderThan(0, 0), 0, 'nothing older than the epoch');
      assert.equal(await svc.purgeOlderThan(0, clock.advance(1)), 3);
      await svc.record(draftOf(caller, {}, 'ok', []));
      assert.deepEqual(
        (await svc.list({ limit: 10 })).map((e) => e.seq),
        [7],
      );
      assert.equal((await svc.verify()).ok, true);
    });

    test('refuses plain edits of chained columns', async () => {
      const { h, svc, clock } = await fresh();
      await fill(svc, clock);
      await assert.rejects(h.plainUpdate(2), /append-only/);
    });
  });
}
