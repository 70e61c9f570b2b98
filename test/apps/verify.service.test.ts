import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FacegateError } from '../../src/errors.ts';
import { img } from './fake.collections.ts';
import { verifyFixture } from './verify.fixture.ts';

const code = (c: string) => (e: unknown) => e instanceof FacegateError && e.code === c;

describe('VerifyService', () => {
  test('registers a person with metadata and photos, indexing one face per photo under the person id', async () => {
    const f = verifyFixture();
    const p = await f.service.register(
      { name: 'Ann Lee', email: 'ann@example.com', phone: '+15550100', fields: { employee: '42' } },
      [img('ann'), img('ann', 'bob')],
    );
    assert.equal(p.photos.length, 2);
    const faces = f.collections.all('people');
    assert.equal(faces.length, 2, 'only the largest face of the group photo is indexed');
    assert.ok(faces.every((x) => x.externalImageId === p.personId));
    const stored = await f.service.get(p.personId);
    assert.deepEqual(stored.fields, { employee: '42' });
    assert.equal(stored.email, 'ann@example.com');
    assert.deepEqual(
      Buffer.from(await f.service.photo(p.personId, p.photos[0]!.photoId, 'original')).toString(),
      'faces:ann',
    );
    assert.match(
      Buffer.from(await f.service.photo(p.personId, p.photos[0]!.photoId, 'thumbnail')).toString(),
      /^thumb:/,
    );
    f.close();
  });

  test('refuses a registration whose photo has no face and leaves nothing behind', async () => {
    const f = verifyFixture();
    await assert.rejects(f.service.register({ name: 'X' }, [img('x'), img()]), (e: unknown) => {
      return e instanceof FacegateError && e.code === 'NO_FACE' && /Photo 2/.test(e.message);
    });
    assert.equal(f.collections.all('people').length, 0);
    assert.deepEqual((await f.objects.list('people')).objects, []);
    assert.deepEqual(await f.service.list({ limit: 10 }), []);
    f.close();
  });

  test('verifies 1:1: the same person clears the threshold, someone else does not', async () => {
    const f = verifyFixture();
    const ann = await f.service.register({ name: 'Ann' }, [img('ann')]);
    await f.service.register({ name: 'Bob' }, [img('bob')]);
    const yes = await f.service.verify(ann.personId, img('ann'));
    assert.equal(yes.verified, true);
    assert.equal(yes.similarity, 97);
    assert.equal(yes.matchedFaceId, ann.photos[0]!.faceId);
    const no = await f.service.verify(ann.personId, img('bob'));
    assert.equal(no.verified, false);
    assert.equal(no.similarity, 12);
    const strict = await f.service.verify(ann.personId, img('ann'), 99);
    assert.equal(strict.verified, false);
    await assert.rejects(f.service.verify('4b0c1f0e-0000-4000-8000-000000000000', img('ann')), code('NOT_FOUND'));
    f.close();
  });

  test('identifies 1:N with names and metadata, or unknown when nobody clears the threshold', async () => {
    const f = verifyFixture();
    const ann = await f.service.register({ name: 'Ann', phone: '1' }, [img('ann'), img('ann')]);
    await f.service.register({ name: 'Bob' }, [img('bob')]);
    const r = await f.service.identify(img('ann', 'bob'));
    assert.equal(r.unknown, false);
    assert.equal(r.matches.length, 1, 'two faces of Ann count once');
    assert.equal(r.matches[0]!.person.personId, ann.personId);
    assert.equal(r.matches[0]!.person.phone, '1');
    const nobody = await f.service.identify(img('carol'));
    assert.equal(nobody.unknown, true);
    assert.deepEqual(nobody.matches, []);
    await assert.rejects(f.service.identify(img()), code('NO_FACE'));
    f.close();
  });

  test("identify's auto threshold rises with the gallery (never below the verify threshold), read every 30 s", async () => {
    let clock = 0;
    const f = verifyFixture({ identifyThreshold: 'auto', now: () => new Date(clock) });
    const ann = await f.service.register({ name: 'Ann' }, [img('ann')]);
    // One face: 70 + 10·log10(1) = 70, floored at the verify threshold.
    assert.equal(await f.service.identifyThreshold(), 80);
    for (let i = 0; i < 9; i++) await f.service.register({ name: `P${i}` }, [img(`p${i}`), img(`p${i}`)]);
    assert.equal(await f.service.identifyThreshold(), 80, 'the count is kept for 30 s');
    clock += 30_001;
    // 19 faces: 70 + 10·log10(19) = 82.8.
    const r = await f.service.identify(img('ann'));
    assert.equal(r.threshold, 82.8);
    assert.equal(r.matches[0]!.person.personId, ann.personId, 'the fake similarity of 97 still clears it');
    assert.equal((await f.service.identify(img('ann'), { threshold: 98 })).unknown, true, 'a given threshold wins');
    f.close();
    const fixed = verifyFixture({ identifyThreshold: 90 });
    await fixed.service.register({ name: 'Ann' }, [img('ann')]);
    assert.equal((await fixed.service.identify(img('ann'))).threshold, 90);
    fixed.close();
  });

  test('deleting a person removes their faces, photos and thumbnails everywhere', async () => {
    const f = verifyFixture();
    const ann = await f.service.register({ name: 'Ann' }, [img('ann'), img('ann')]);
    const bob = await f.service.register({ name: 'Bob' }, [img('bob')]);
    await f.service.delete(ann.personId);
    assert.deepEqual(
      f.collections.all('people').map((x) => x.externalImageId),
      [bob.personId],
    );
    const keys = (await f.objects.list('people')).objects.map((o) => o.key);
    assert.ok(keys.length === 2 && keys.every((k) => k.startsWith(bob.personId)));
    await assert.rejects(f.service.get(ann.personId), code('NOT_FOUND'));
    assert.equal((await f.service.identify(img('ann'))).unknown, true);
    f.close();
  });

  test('keeps working when its collection was deleted behind its back (e.g. over the Rekognition API)', async () => {
    const f = verifyFixture();
    const ann = await f.service.register({ name: 'Ann' }, [img('ann')]);
    f.collections.faces.delete('people');
    assert.equal((await f.service.identify(img('ann'))).unknown, true);
    await f.service.delete(ann.personId);
    await assert.rejects(f.service.get(ann.personId), code('NOT_FOUND'));
    const bob = await f.service.register({ name: 'Bob' }, [img('bob')]);
    assert.equal((await f.service.verify(bob.personId, img('bob'))).verified, true);
    f.close();
  });

  test('updates metadata, adds and deletes single photos, and lists people by name with a search filter', async () => {
    const f = verifyFixture();
    const ann = await f.service.register({ name: 'Ann' }, [img('ann')]);
    await f.service.register({ name: 'Bob', email: 'bob@x.org' }, [img('bob')]);
    const updated = await f.service.update(ann.personId, { name: 'Ann Lee', fields: { team: 'blue' } });
    assert.equal(updated.name, 'Ann Lee');
    assert.deepEqual(updated.fields, { team: 'blue' });
    const more = await f.service.addPhotos(ann.personId, [img('ann')]);
    assert.equal(more.photos.length, 2);
    const fewer = await f.service.deletePhoto(ann.personId, more.photos[0]!.photoId);
    assert.equal(fewer.photos.length, 1);
    assert.equal(f.collections.all('people').filter((x) => x.externalImageId === ann.personId).length, 1);
    assert.deepEqual(
      (await f.service.list({ limit: 10 })).map((p) => p.name),
      ['Ann Lee', 'Bob'],
    );
    assert.deepEqual(
      (await f.service.list({ limit: 10, search: 'X.ORG' })).map((p) => p.name),
      ['Bob'],
    );
    const page2 = await f.service.list({ limit: 10, after: { name: 'Ann Lee', personId: ann.personId } });
    assert.deepEqual(
      page2.map((p) => p.name),
      ['Bob'],
    );
    f.close();
  });
});
