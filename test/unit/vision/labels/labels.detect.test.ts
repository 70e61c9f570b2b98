import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { detectLabels, scoreToConfidence, toLabels } from '../../../../src/vision/labels/labels.detect.ts';
import { mergeDetections, views } from '../../../../src/vision/labels/centernet.decode.ts';
import { COCO_LABELS } from '../../../../src/vision/labels/coco.labels.ts';
import {
  averageViews,
  DEFAULT_LABEL_GATES,
  gateDetections,
  isCloseUp,
  needsFaces,
  oneAnimalPerObject,
} from '../../../../src/vision/labels/labels.gate.ts';
import { createFaceDetector } from '../../../../src/vision/detect/detector.factory.ts';
import type { OnnxRuntime } from '../../../../src/vision/runtime/onnx.runtime.ts';
import type { Label } from '../../../../src/vision/vision.types.ts';
import { fixtureRgb, preparedRuntime } from '../../../helpers/models.helper.ts';

const find = (labels: Label[], name: string): Label | undefined => labels.find((l) => l.name === name);

describe('labels from detections (no model)', () => {
  const phone = { classId: 67, score: 0.3, rect: { x: 10, y: 20, width: 30, height: 40 } };
  const person = { classId: 0, score: 0.6, rect: { x: 0, y: 0, width: 100, height: 200 } };

  test('a COCO cell phone is reported as Mobile Phone and Cell Phone with parents Phone and Electronics', () => {
    const labels = toLabels([phone], 200, 400);
    for (const name of ['Mobile Phone', 'Cell Phone']) {
      const l = find(labels, name);
      assert.ok(l, name);
      assert.deepEqual(l.parents, ['Phone', 'Electronics']);
      assert.deepEqual(l.categories, ['Technology and Computing']);
      assert.equal(l.instances.length, 1);
      assert.deepEqual(l.instances[0]!.box, { left: 0.05, top: 0.05, width: 0.15, height: 0.1 });
    }
    assert.deepEqual(find(labels, 'Phone')?.parents, ['Electronics']);
    assert.equal(find(labels, 'Phone')?.instances.length, 0);
  });

  test('one label per name with the best instance confidence; sorted best first; MaxLabels and MinConfidence apply', () => {
    const weaker = { ...person, score: 0.25, rect: { x: 120, y: 0, width: 60, height: 100 } };
    const labels = toLabels([person, weaker, phone], 200, 400);
    const p = find(labels, 'Person')!;
    assert.equal(p.instances.length, 2);
    assert.equal(p.confidence, scoreToConfidence(0.6));
    assert.equal(labels[0]!.name, 'Person');
    assert.equal(toLabels([person, phone], 200, 400, { maxLabels: 1 }).length, 1);
    const strict = toLabels([person, phone], 200, 400, { minConfidence: scoreToConfidence(0.4) });
    assert.deepEqual(
      strict.map((l) => l.name),
      ['Person'],
    );
  });

  test('confidence is monotone in the score, 0–100, with the documented anchors', () => {
    let last = -1;
    for (let s = 0; s <= 1.0001; s += 0.01) {
      const c = scoreToConfidence(s);
      assert.ok(c >= last && c >= 0 && c <= 100);
      last = c;
    }
    assert.equal(scoreToConfidence(0.14), 55);
    assert.equal(scoreToConfidence(0.16), 85);
  });

  test('the table covers the 80 COCO classes', () => {
    assert.equal(COCO_LABELS.length, 80);
    assert.deepEqual(COCO_LABELS[15]!.names, ['Cat']);
    assert.deepEqual(COCO_LABELS[63]!.names, ['Laptop']);
  });

  test('a wide image is seen whole and as square tiles; a tile box never displaces the whole view', () => {
    assert.equal(views(500, 500).length, 1);
    const v = views(1920, 1080);
    assert.equal(v.length, 3);
    assert.deepEqual(v[2]!.rect, { x: 840, y: 0, width: 1080, height: 1080 });
    const whole = [{ classId: 0, score: 0.5, rect: { x: 0, y: 0, width: 1000, height: 1000 } }];
    const inside = { classId: 0, score: 0.7, rect: { x: 100, y: 100, width: 300, height: 300 } };
    const elsewhere = { classId: 67, score: 0.3, rect: { x: 1500, y: 100, width: 50, height: 80 } };
    const merged = mergeDetections(whole, [inside, elsewhere]);
    assert.deepEqual(
      merged.map((d) => d.classId),
      [0, 67],
    );
    assert.equal(merged[0]!.score, 0.5);
  });
});

describe('label gates (no model)', () => {
  const box = (x: number, y: number, w: number, h: number) => ({ x, y, width: w, height: h });
  const cat = { classId: 15, score: 0.2, rect: box(0, 0, 100, 100) };
  const dog = { classId: 16, score: 0.48, rect: box(2, 0, 100, 98) };

  test('a close-up is one detection covering ≥ 40% of the image', () => {
    assert.equal(isCloseUp([dog], 120, 120), true);
    assert.equal(isCloseUp([{ ...dog, rect: box(0, 0, 30, 30) }], 120, 120), false);
  });

  test('two views are averaged per object; an object seen in one view only gets half its score', () => {
    const zoomedCat = { ...cat, score: 0.7, rect: box(4, 4, 90, 90) };
    const merged = averageViews([dog, cat], [zoomedCat]);
    assert.equal(merged[0]!.classId, 15);
    assert.ok(Math.abs(merged[0]!.score - 0.45) < 1e-9);
    assert.ok(Math.abs(merged.find((d) => d.classId === 16)!.score - 0.24) < 1e-9);
  });

  test('overlapping animals of different classes are one animal, the best class; a zebra beside a giraffe stays', () => {
    assert.deepEqual(
      oneAnimalPerObject([cat, dog]).map((d) => d.classId),
      [16],
    );
    const giraffe = { classId: 23, score: 0.5, rect: box(0, 0, 100, 200) };
    const zebra = { classId: 22, score: 0.6, rect: box(60, 120, 40, 60) };
    assert.equal(oneAnimalPerObject([giraffe, zebra]).length, 2);
  });

  test('a weak Person needs a face inside its box; a weak animal is dropped', () => {
    const person = { classId: 0, score: 0.23, rect: box(0, 0, 100, 200) };
    assert.equal(needsFaces([person], DEFAULT_LABEL_GATES), true);
    assert.equal(gateDetections([person], [], DEFAULT_LABEL_GATES).length, 0);
    assert.equal(gateDetections([person], [box(30, 20, 40, 40)], DEFAULT_LABEL_GATES).length, 1);
    assert.equal(gateDetections([person], [box(300, 20, 40, 40)], DEFAULT_LABEL_GATES).length, 0);
    const strong = { ...person, score: 0.62 };
    assert.equal(needsFaces([strong], DEFAULT_LABEL_GATES), false);
    assert.equal(gateDetections([strong], [], DEFAULT_LABEL_GATES).length, 1);
    assert.equal(gateDetections([{ ...cat, score: 0.1 }], [], DEFAULT_LABEL_GATES).length, 0);
  });
});

describe('detectLabels on fixtures (centernet)', () => {
  let rt: OnnxRuntime;
  let faces: (name: string) => () => Promise<{ x: number; y: number; width: number; height: number }[]>;
  before(async () => {
    rt = await preparedRuntime(['centernet', 'blazeface', 'facemesh']);
    const detector = await createFaceDetector(rt);
    faces = (name) => async () => (await detector.detect(await fixtureRgb(name))).map((f) => f.rect);
  });
  after(() => rt.close());

  test('cellphone.jpg: a Person and a phone (Mobile Phone and Cell Phone) at the proctor threshold 85', async () => {
    const labels = await detectLabels(rt, await fixtureRgb('cellphone.jpg'), { minConfidence: 85 });
    assert.ok(find(labels, 'Person'), JSON.stringify(labels.map((l) => l.name)));
    assert.ok(find(labels, 'Mobile Phone'));
    assert.ok(find(labels, 'Cell Phone'));
  });

  test('looking_at_screen.jpg: exactly one Person instance and no phone at the default MinConfidence', async () => {
    const labels = await detectLabels(rt, await fixtureRgb('looking_at_screen.jpg'));
    assert.equal(find(labels, 'Person')?.instances.length, 1);
    assert.equal(find(labels, 'Mobile Phone'), undefined);
    assert.equal(find(labels, 'Cell Phone'), undefined);
    const box = find(labels, 'Person')!.instances[0]!.box;
    for (const v of [box.left, box.top, box.width, box.height]) assert.ok(v >= 0 && v <= 1);
  });

  test('chelsea.png (a cat close-up): Cat at the proctor threshold 85, no Dog and no Person at all', async () => {
    const labels = await detectLabels(rt, await fixtureRgb('chelsea.png'), { faces: faces('chelsea.png') });
    const names = JSON.stringify(labels.map((l) => `${l.name} ${l.confidence.toFixed(1)}`));
    const cat = find(labels, 'Cat');
    assert.ok(cat && cat.confidence >= 85, names);
    assert.deepEqual(cat.parents, ['Pet', 'Mammal', 'Animal']);
    assert.ok(find(labels, 'Animal'));
    assert.equal(find(labels, 'Dog'), undefined, names);
    assert.equal(find(labels, 'Person'), undefined, names);
  });

  test('a portrait keeps its Person when the face detector confirms it', async () => {
    const labels = await detectLabels(rt, await fixtureRgb('photo1.jpeg'), {
      minConfidence: 85,
      faces: faces('photo1.jpeg'),
    });
    assert.equal(find(labels, 'Person')?.instances.length, 1);
  });

  test('coffee.png: no Person', async () => {
    const labels = await detectLabels(rt, await fixtureRgb('coffee.png'));
    assert.equal(find(labels, 'Person'), undefined);
    assert.ok(find(labels, 'Cup'));
  });
});
