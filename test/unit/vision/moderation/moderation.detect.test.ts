import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  detectModeration,
  gatedConfidence,
  MODERATION_GATES,
  nsfwScores,
  toModerationLabels,
  type NsfwScores,
} from '../../../../src/vision/moderation/moderation.detect.ts';
import type { OnnxRuntime } from '../../../../src/vision/runtime/onnx.runtime.ts';
import { fixtureRgb, preparedRuntime } from '../../../helpers/models.helper.ts';

const scores = (s: Partial<NsfwScores>): NsfwScores => ({ Drawing: 0, Hentai: 0, Neutral: 0, Porn: 0, Sexy: 0, ...s });

describe('moderation labels from classifier scores (no model)', () => {
  test('a confident Porn score gives Explicit Nudity (level 1) and Nudity under it (level 2)', () => {
    const labels = toModerationLabels(scores({ Porn: 0.995, Neutral: 0.005 }));
    assert.deepEqual(
      labels.map((l) => [l.name, l.parentName, l.taxonomyLevel]),
      [
        ['Explicit Nudity', '', 1],
        ['Nudity', 'Explicit Nudity', 2],
      ],
    );
    assert.ok(labels[0]!.confidence > 50 && labels[0]!.confidence <= 100);
  });

  test('Sexy maps to Suggestive / Revealing Clothes; a level-1 label takes its best child confidence', () => {
    const labels = toModerationLabels(scores({ Sexy: 0.99, Hentai: 0.985 }));
    const byName = Object.fromEntries(labels.map((l) => [l.name, l]));
    assert.equal(byName['Revealing Clothes']?.parentName, 'Suggestive');
    assert.equal(byName['Illustrated Explicit Nudity']?.parentName, 'Explicit Nudity');
    assert.equal(byName['Suggestive']?.confidence, byName['Revealing Clothes']?.confidence);
  });

  test('scores below the gate, and Drawing or Neutral at any score, give no label at the default MinConfidence', () => {
    assert.deepEqual(toModerationLabels(scores({ Porn: MODERATION_GATES.Porn - 0.01, Drawing: 1, Neutral: 1 })), []);
  });

  test('MinConfidence below 50 reports scores under the gate', () => {
    const labels = toModerationLabels(scores({ Sexy: 0.6 }), 10);
    assert.deepEqual(
      labels.map((l) => l.name),
      ['Suggestive', 'Revealing Clothes'],
    );
  });

  test('confidence is monotone, 0 at 0, 50 at the gate, 100 at 1', () => {
    assert.equal(gatedConfidence(0, 0.97), 0);
    assert.equal(gatedConfidence(0.97, 0.97), 50);
    assert.equal(gatedConfidence(1, 0.97), 100);
    assert.ok(gatedConfidence(0.5, 0.97) < gatedConfidence(0.6, 0.97));
  });
});

describe('detectModeration on fixtures (nsfwjs MobileNetV2)', () => {
  let rt: OnnxRuntime;
  before(async () => {
    rt = await preparedRuntime(['nsfw']);
  });
  after(() => rt.close());

  test('the classifier returns five probabilities that sum to 1', async () => {
    const s = await nsfwScores(rt, await fixtureRgb('photo1.jpeg'));
    const sum = Object.values(s).reduce((a, b) => a + b, 0);
    assert.ok(Math.abs(sum - 1) < 1e-4, `sum ${sum}`);
    assert.ok(s.Neutral > s.Porn, JSON.stringify(s));
  });

  for (const file of ['photo1.jpeg', 'photo9.jpeg', 'cellphone.jpg', 'dani_640.jpg', 'astronaut.png', 'chelsea.png']) {
    test(`flags nothing on the ordinary photo ${file} at the default MinConfidence`, async () => {
      assert.deepEqual(await detectModeration(rt, await fixtureRgb(file)), []);
    });
  }
});
