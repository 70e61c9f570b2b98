// The PeopleStore and CandidateStore contract: every driver (SQLite, Postgres) must pass this suite.
import { describe, test, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import type { CandidateStore } from '../../src/apps/proctor/candidates.port.ts';
import type { PeopleStore, PersonRow, PhotoRow } from '../../src/apps/verify/people.port.ts';
import type { UnitOfWork } from '../../src/db/unit-of-work.ts';

export interface PeopleFixture {
  people: PeopleStore;
  candidates: CandidateStore;
  unitOfWork: UnitOfWork;
  close(): Promise<void>;
}

const person = (id: string, name: string, over: Partial<PersonRow> = {}): PersonRow => ({
  personId: id,
  collectionId: 'people',
  name,
  email: `${id}@example.com`,
  phone: null,
  fields: { badge: id },
  createdAt: new Date(1_700_000_000_000),
  updatedAt: new Date(1_700_000_000_000),
  ...over,
});
const photo = (personId: string, photoId: string, at = 1_700_000_000_000): PhotoRow => ({
  photoId,
  personId,
  faceId: `face-${photoId}`,
  objectKey: `${personId}/${photoId}`,
  thumbnailKey: `${personId}/${photoId}.thumb.jpg`,
  box: { left: 0.1, top: 0.2, width: 0.3, height: 0.4 },
  createdAt: new Date(at),
});

export function peopleStoreContract(driver: string, make: () => Promise<PeopleFixture>): void {
  describe(`PeopleStore and CandidateStore contract: ${driver}`, () => {
    let f: PeopleFixture;
    beforeEach(async () => {
      f = await make();
    });
    afterEach(async () => f.close());

    test('a person round-trips with their photos in order', async () => {
      await f.people.insert(person('p1', 'Ann'), [photo('p1', 'b', 2), photo('p1', 'a', 1)]);
      const got = await f.people.get('p1');
      assert.deepEqual(got, { ...person('p1', 'Ann'), photos: [photo('p1', 'a', 1), photo('p1', 'b', 2)] });
      assert.equal(await f.people.get('nope'), undefined);
      assert.deepEqual(
        (await f.people.getMany(['nope', 'p1'])).map((p) => p.personId),
        ['p1'],
      );
      assert.equal((await f.people.photoByFace('face-a'))?.photoId, 'a');
    });

    test('lists by name after a key, with a case-insensitive search on name, e-mail and phone', async () => {
      for (const [id, name] of [
        ['p3', 'Cleo'],
        ['p1', 'Ann'],
        ['p2', 'Bob'],
      ] as const) {
        await f.people.insert(person(id, name, { phone: id === 'p2' ? '+1555' : null }), []);
      }
      const names = async (q: Parameters<PeopleStore['list']>[0]) => (await f.people.list(q)).map((p) => p.name);
      assert.deepEqual(await names({ collectionId: 'people', limit: 10 }), ['Ann', 'Bob', 'Cleo']);
      assert.deepEqual(await names({ collectionId: 'people', limit: 1, after: { name: 'Ann', personId: 'p1' } }), [
        'Bob',
      ]);
      assert.deepEqual(await names({ collectionId: 'people', limit: 10, search: 'CLE' }), ['Cleo']);
      assert.deepEqual(await names({ collectionId: 'people', limit: 10, search: '+1555' }), ['Bob']);
      assert.deepEqual(await names({ collectionId: 'other', limit: 10 }), []);
    });

    test('updates, adds and deletes photos, deletes a person with their photos', async () => {
      await f.people.insert(person('p1', 'Ann'), [photo('p1', 'a')]);
      assert.equal(await f.people.update('p1', { email: null, fields: { x: '1' } }, new Date(1_800_000_000_000)), true);
      assert.equal(await f.people.update('nope', { name: 'x' }, new Date()), false);
      await f.people.addPhotos([photo('p1', 'b', 1_700_000_000_001)]);
      const p = (await f.people.get('p1'))!;
      assert.equal(p.email, null);
      assert.deepEqual(p.fields, { x: '1' });
      assert.equal(p.updatedAt.getTime(), 1_800_000_000_000);
      assert.equal(p.photos.length, 2);
      assert.equal(await f.people.deletePhoto('p1', 'a'), true);
      assert.equal(await f.people.deletePhoto('p1', 'a'), false);
      assert.deepEqual(
        await f.people.referencedKeys(['p1/a', 'p1/b', 'p1/b.thumb.jpg']),
        new Set(['p1/b', 'p1/b.thumb.jpg']),
      );
      assert.equal(await f.people.delete('p1'), true);
      assert.equal(await f.people.delete('p1'), false);
      assert.equal(await f.people.photoByFace('face-b'), undefined);
      assert.deepEqual(await f.people.referencedKeys(['p1/b']), new Set());
    });

    test('staged writes commit together in the unit of work, or not at all', async () => {
      await f.unitOfWork.commit([f.people.stageInsert(person('p1', 'Ann'), [photo('p1', 'a')])]);
      assert.equal((await f.people.get('p1'))?.photos.length, 1);
      // The second write fails (duplicate person): the first of the same unit is rolled back.
      await assert.rejects(() =>
        f.unitOfWork.commit([
          f.people.stageAddPhotos([photo('p1', 'b')]),
          f.people.stageInsert(person('p1', 'Again'), []),
        ]),
      );
      assert.equal((await f.people.get('p1'))?.photos.length, 1);
      await f.unitOfWork.commit([f.people.stageDeletePhoto('p1', 'a'), f.people.stageDelete('p1')], { erase: true });
      assert.equal(await f.people.get('p1'), undefined);
    });

    test('candidates: insert, get, newest first, delete', async () => {
      for (const [i, id] of ['c1', 'c2', 'c3'].entries()) {
        await f.candidates.insert({
          externalImageId: id,
          fullName: `N ${id}`,
          faceId: `f${i}`,
          createdAt: new Date(1000 * i),
        });
      }
      await assert.rejects(() =>
        f.candidates.insert({ externalImageId: 'c1', fullName: 'dup', faceId: 'x', createdAt: new Date() }),
      );
      assert.deepEqual(await f.candidates.get('c2'), {
        externalImageId: 'c2',
        fullName: 'N c2',
        faceId: 'f1',
        createdAt: new Date(1000),
      });
      assert.deepEqual(
        (await f.candidates.list(2)).map((c) => c.externalImageId),
        ['c3', 'c2'],
      );
      assert.equal(await f.candidates.delete('c2'), true);
      assert.equal(await f.candidates.delete('c2'), false);
      assert.equal(await f.candidates.get('c2'), undefined);
    });
  });
}
