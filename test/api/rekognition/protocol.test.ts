// The wire protocol through the real AWS SDK: signing, error shapes, validation, image input, response mapping.
// The engine here is a stub with known outputs, so these tests pin the adapter (the real engine is exercised in
// sdk.engine.test.ts).
import { test, describe, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  CompareFacesCommand,
  DetectFacesCommand,
  DetectLabelsCommand,
  DetectModerationLabelsCommand,
  type FaceDetail,
} from '@aws-sdk/client-rekognition';
import { img, sdkError, stubCollections, stubEngine, stubObjects } from './protocol.stubs.ts';
import { startServer, type Harness } from './rekognition.harness.ts';

let h: Harness;
before(async () => {
  h = await startServer({ overrides: { engine: stubEngine, objects: stubObjects, collections: stubCollections } });
});
after(() => h.close());

describe('Rekognition protocol through the AWS SDK', () => {
  test('DetectFaces DEFAULT returns the default FaceDetail fields only', async () => {
    const r = await h.client().send(new DetectFacesCommand({ Image: img(1) }));
    assert.equal(r.FaceDetails?.length, 1);
    const d = r.FaceDetails![0]!;
    assert.deepEqual(d.BoundingBox, { Width: 0.3, Height: 0.4, Left: 0.1, Top: 0.1 });
    assert.deepEqual(d.Pose, { Roll: 1, Yaw: -2, Pitch: 3 });
    assert.deepEqual(d.Quality, { Brightness: 70, Sharpness: 80 });
    assert.deepEqual(d.Landmarks?.[0], { Type: 'eyeLeft', X: 0.2, Y: 0.2 });
    assert.equal(d.Confidence, 99.5);
    assert.equal(d.AgeRange, undefined);
    assert.equal(d.Emotions, undefined);
  });

  test('DetectFaces ALL returns every attribute with the SDK types', async () => {
    const r = await h.client().send(new DetectFacesCommand({ Image: img(1), Attributes: ['ALL'] }));
    const d: FaceDetail = r.FaceDetails![0]!;
    assert.deepEqual(d.AgeRange, { Low: 25, High: 35 });
    assert.deepEqual(d.Gender, { Value: 'Female', Confidence: 90 });
    assert.deepEqual(d.Emotions?.[0], { Type: 'CALM', Confidence: 80 });
    for (const k of [
      'Smile',
      'EyesOpen',
      'MouthOpen',
      'Eyeglasses',
      'Sunglasses',
      'Beard',
      'Mustache',
      'FaceOccluded',
    ] as const) {
      const f = d[k] as { Value?: boolean; Confidence?: number } | undefined;
      assert.equal(typeof f?.Value, 'boolean', k);
      assert.equal(typeof f?.Confidence, 'number', k);
    }
    assert.deepEqual(d.EyeDirection, { Yaw: 1.5, Pitch: -3, Confidence: 88 });
  });

  test('DetectFaces with one named attribute adds only that one to the defaults', async () => {
    const r = await h.client().send(new DetectFacesCommand({ Image: img(1), Attributes: ['EMOTIONS'] }));
    const d = r.FaceDetails![0]!;
    assert.ok(d.Emotions && d.Emotions.length > 0);
    assert.equal(d.AgeRange, undefined);
    assert.ok(d.BoundingBox && d.Pose && d.Quality);
  });

  test('DetectFaces on an image without faces returns an empty list', async () => {
    const r = await h.client().send(new DetectFacesCommand({ Image: img(3) }));
    assert.deepEqual(r.FaceDetails, []);
  });

  test('CompareFaces splits target faces at the similarity threshold, best first', async () => {
    const r = await h.client().send(new CompareFacesCommand({ SourceImage: img(1), TargetImage: img(2) }));
    assert.deepEqual(r.SourceImageFace, {
      BoundingBox: { Width: 0.3, Height: 0.4, Left: 0.1, Top: 0.1 },
      Confidence: 99.5,
    });
    assert.equal(r.FaceMatches?.length, 1);
    assert.ok(Math.abs(r.FaceMatches![0]!.Similarity! - 96) < 1e-4);
    assert.equal(r.FaceMatches![0]!.Face?.BoundingBox?.Left, 0.1);
    assert.equal(r.UnmatchedFaces?.length, 1);
    assert.equal(r.UnmatchedFaces![0]!.BoundingBox?.Left, 0.5);
    const strict = await h
      .client()
      .send(new CompareFacesCommand({ SourceImage: img(1), TargetImage: img(2), SimilarityThreshold: 99 }));
    assert.equal(strict.FaceMatches?.length, 0);
    assert.equal(strict.UnmatchedFaces?.length, 2);
  });

  test('CompareFaces QualityFilter drops target faces below the bar; NONE (the default) keeps them', async () => {
    const all = await h.client().send(new CompareFacesCommand({ SourceImage: img(1), TargetImage: img(4) }));
    assert.equal((all.FaceMatches?.length ?? 0) + (all.UnmatchedFaces?.length ?? 0), 2);
    const high = await h
      .client()
      .send(new CompareFacesCommand({ SourceImage: img(1), TargetImage: img(4), QualityFilter: 'HIGH' }));
    assert.equal(high.FaceMatches?.length, 1);
    assert.deepEqual(high.UnmatchedFaces, []);
  });

  test('CompareFaces with no face in the source image is InvalidParameterException', async () => {
    const e = await sdkError(h.client().send(new CompareFacesCommand({ SourceImage: img(3), TargetImage: img(1) })));
    assert.equal(e.name, 'InvalidParameterException');
    assert.match(e.message, /no faces/);
    assert.equal(e.$metadata.httpStatusCode, 400);
  });

  test('DetectLabels maps names, instances, parents and categories, filtered by MinConfidence', async () => {
    const r = await h.client().send(new DetectLabelsCommand({ Image: img(1), MinConfidence: 55 }));
    assert.deepEqual(
      r.Labels?.map((l) => l.Name),
      ['Person', 'Cell Phone'],
    );
    assert.deepEqual(r.Labels![1]!.Parents, [{ Name: 'Electronics' }, { Name: 'Phone' }]);
    assert.deepEqual(r.Labels![0]!.Categories, [{ Name: 'Person Description' }]);
    assert.equal(r.Labels![0]!.Instances![0]!.BoundingBox?.Height, 0.8);
    const high = await h.client().send(new DetectLabelsCommand({ Image: img(1), MinConfidence: 90 }));
    assert.deepEqual(
      high.Labels?.map((l) => l.Name),
      ['Person'],
    );
  });

  test('DetectModerationLabels maps name, parent, confidence and taxonomy level', async () => {
    const r = await h.client().send(new DetectModerationLabelsCommand({ Image: img(1) }));
    assert.deepEqual(r.ModerationLabels, [
      { Confidence: 77, Name: 'Smoking', ParentName: 'Drugs & Tobacco', TaxonomyLevel: 2 },
    ]);
  });

  test('an image given as S3Object is read from the object store', async () => {
    const r = await h
      .client()
      .send(new DetectFacesCommand({ Image: { S3Object: { Bucket: 'photos', Name: 'one.jpg' } } }));
    assert.equal(r.FaceDetails?.length, 1);
  });

  test('a missing S3Object is InvalidS3ObjectException', async () => {
    const e = await sdkError(
      h.client().send(new DetectFacesCommand({ Image: { S3Object: { Bucket: 'photos', Name: 'nope.jpg' } } })),
    );
    assert.equal(e.name, 'InvalidS3ObjectException');
  });

  test('responses carry a request id the SDK reports', async () => {
    const r = await h.client().send(new DetectFacesCommand({ Image: img(3) }));
    assert.match(r.$metadata.requestId ?? '', /^[0-9a-f-]{36}$/);
  });
});
