import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { randomUUID } from 'node:crypto';
import { describe, test } from 'node:test';
import { sqliteCandidateStore } from '../../src/apps/proctor/candidates.sqlite.ts';
import { ProctorService, type ProctorCheck } from '../../src/apps/proctor/proctor.service.ts';
import { FacegateError } from '../../src/errors.ts';
import { FakeCollections } from './fake.collections.ts';
import { fakeEngine } from './fake.engine.ts';

const frame = (s: string) => new Uint8Array(Buffer.from(s));

function proctor() {
  const collections = new FakeCollections();
  return new ProctorService({
    engine: fakeEngine,
    collections,
    candidates: sqliteCandidateStore(new Database(':memory:')),
    collectionId: 'proctor',
    minConfidence: 85,
    faceMatchThreshold: 85,
    objectsOfInterest: ['Mobile Phone', 'Cell Phone'],
    moderationThreshold: 85,
    uuid: randomUUID,
    now: () => new Date(),
  });
}

const byName = (checks: ProctorCheck[]) => Object.fromEntries(checks.map((c) => [c.TestName, c]));

describe('ProctorService', () => {
  test('passes all five checks for the indexed candidate alone, without a phone', async () => {
    const p = proctor();
    const c = await p.indexCandidate(frame('faces:ann'), 'Ann Lee');
    assert.match(c.externalImageId, /^[0-9a-f-]{36}$/);
    const checks = await p.process(frame('faces:ann'));
    assert.deepEqual(
      checks.map((x) => x.TestName),
      ['Objects of Interest', 'Person Detection', 'Person Recognition', 'Face Detection', 'Unsafe Content'],
    );
    assert.ok(
      checks.every((x) => x.Success),
      JSON.stringify(checks),
    );
    assert.match(byName(checks)['Person Recognition']!.Details, /^Ann Lee/);
  });

  test('fails Objects of Interest on a phone above MinConfidence, and ignores one below it', async () => {
    const p = proctor();
    const phone = byName(await p.process(frame('faces:ann|labels:Cell Phone=92')));
    assert.equal(phone['Objects of Interest']!.Success, false);
    assert.match(phone['Objects of Interest']!.Details, /Cell Phone \(92\.0%\)/);
    const faint = byName(await p.process(frame('faces:ann|labels:Cell Phone=60')));
    assert.equal(faint['Objects of Interest']!.Success, true);
  });

  test('fails Person Detection and Face Detection with two people, and with nobody', async () => {
    const p = proctor();
    const two = byName(await p.process(frame('faces:ann,bob')));
    assert.equal(two['Person Detection']!.Success, false);
    assert.equal(two['Face Detection']!.Success, false);
    assert.equal(two['Face Detection']!.Details, '2 faces detected');
    const none = byName(await p.process(frame('faces:|persons:0')));
    assert.equal(none['Person Detection']!.Success, false);
    assert.equal(none['Person Recognition']!.Details, 'No face to recognize');
  });

  test('fails Person Recognition for someone not indexed', async () => {
    const p = proctor();
    await p.indexCandidate(frame('faces:ann'), 'Ann');
    const r = byName(await p.process(frame('faces:bob')));
    assert.deepEqual(r['Person Recognition'], {
      TestName: 'Person Recognition',
      Success: false,
      Details: 'Unknown person',
    });
  });

  test('fails Unsafe Content on a moderation label above the threshold', async () => {
    const p = proctor();
    const r = byName(await p.process(frame('faces:ann|unsafe:Explicit Nudity=90')));
    assert.equal(r['Unsafe Content']!.Success, false);
    assert.match(r['Unsafe Content']!.Details, /Explicit Nudity/);
  });

  test('fails only the affected check when a model is not prepared', async () => {
    const p = proctor();
    const r = byName(await p.process(frame('faces:ann|broken:moderation')));
    assert.equal(r['Unsafe Content']!.Success, false);
    assert.match(r['Unsafe Content']!.Details, /^Check unavailable/);
    assert.equal(r['Face Detection']!.Success, true);
  });

  test('refuses a candidate photo without a face, and an unreadable frame', async () => {
    const p = proctor();
    await assert.rejects(
      p.indexCandidate(frame('faces:'), 'Nobody'),
      (e: unknown) => e instanceof FacegateError && e.code === 'NO_FACE',
    );
    await assert.rejects(
      p.process(frame('GIF89a')),
      (e: unknown) => e instanceof FacegateError && e.code === 'INVALID_IMAGE_FORMAT',
    );
  });

  test('deleting a candidate removes their face so they are no longer recognized', async () => {
    const p = proctor();
    const c = await p.indexCandidate(frame('faces:ann'), 'Ann');
    await p.deleteCandidate(c.externalImageId);
    assert.deepEqual(await p.listCandidates(), []);
    assert.equal(byName(await p.process(frame('faces:ann')))['Person Recognition']!.Success, false);
  });
});
