// The pure camera logic: box overlap, track association, descriptor combination, per-track verdicts, cool-down,
// JPEG splitting and URL redaction.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaceTracker, iou } from '../../../src/streams/tracking/face.tracker.ts';
import { combine, TrackDecision, type TrackSample } from '../../../src/streams/tracking/track.decision.ts';
import { VisitCooldown } from '../../../src/streams/tracking/visit.cooldown.ts';
import { JpegSplitter } from '../../../src/streams/sources/jpeg.splitter.ts';
import { redactUrl } from '../../../src/streams/sources/redact.ts';
import { ffmpegArgs } from '../../../src/streams/sources/ffmpeg.source.ts';

const unit = (...v: number[]) => {
  const n = Math.hypot(...v);
  return new Float32Array(v.map((x) => x / n));
};
// Similarity on a 0–100 scale: cosine mapped linearly, enough for association tests.
const sim = (a: Float32Array, b: Float32Array) =>
  Math.max(
    0,
    a.reduce((s, x, i) => s + x * b[i]!, 0),
  ) * 100;
const box = (left: number, top = 0.2, size = 0.3) => ({ left, top, width: size, height: size });
let n = 0;
const ids = () => `t${++n}`;

test('iou is 1 for the same box, 0 for disjoint boxes, and symmetric', () => {
  assert.ok(Math.abs(iou(box(0.1), box(0.1)) - 1) < 1e-9);
  assert.equal(iou(box(0), box(0.5)), 0);
  assert.equal(iou(box(0.1), box(0.2)), iou(box(0.2), box(0.1)));
  assert.ok(iou(box(0.1), box(0.2)) > 0.4);
});

test('the tracker keeps a face that moves a little on its track and starts a new one for another person', () => {
  const t = new FaceTracker(sim, ids);
  const a = unit(1, 0, 0);
  const b = unit(0, 1, 0);
  const [first] = t.update([{ box: box(0.1), descriptor: a }], 0).trackIds;
  const next = t.update(
    [
      { box: box(0.15), descriptor: unit(0.95, 0.05, 0) },
      { box: box(0.12), descriptor: b },
    ],
    200,
  );
  assert.equal(next.trackIds[0], first);
  assert.notEqual(next.trackIds[1], first, 'same place, different descriptor: a new track');
});

test('the tracker links a fast-moving face by descriptor alone and ends tracks after the gap', () => {
  const t = new FaceTracker(sim, ids);
  const a = unit(1, 0, 0);
  const [first] = t.update([{ box: box(0), descriptor: a }], 0).trackIds;
  assert.equal(t.update([{ box: box(0.65), descriptor: a }], 200).trackIds[0], first);
  assert.deepEqual(t.update([], 1000).ended, []);
  assert.deepEqual(t.update([], 2300).ended, [first]);
  assert.equal(t.active, 0);
});

const sample = (d: Float32Array, size = 0.3, sharpness = 80): TrackSample => ({
  descriptor: d,
  box: box(0.1, 0.1, size),
  confidence: 99,
  sharpness,
  jpeg: Buffer.from([0xff, 0xd8]),
  at: new Date(0),
});

test('combine weights descriptors and returns a unit vector', () => {
  const c = combine([
    { descriptor: unit(1, 0), weight: 3 },
    { descriptor: unit(0, 1), weight: 1 },
  ]);
  assert.ok(Math.abs(Math.hypot(...c) - 1) < 1e-6);
  assert.ok(c[0]! > c[1]!);
});

test('a track is known as soon as the combined score reaches the threshold, once', () => {
  const d = new TrackDecision('t', new Date(0), {
    threshold: 80,
    maxAttempts: 3,
    minUnknownFrames: 2,
    keepSnapshots: 2,
  });
  d.add(sample(unit(1, 0)));
  assert.equal(d.searched({ faceId: 'f', userId: null, externalImageId: 'x', similarity: 79 }).kind, 'wait');
  d.add(sample(unit(1, 0)));
  assert.equal(d.searched({ faceId: 'f', userId: null, externalImageId: 'x', similarity: 85 }).kind, 'known');
  assert.equal(d.searching, false);
  assert.equal(d.searched({ faceId: 'f', userId: null, externalImageId: 'x', similarity: 99 }).kind, 'wait');
  assert.equal(d.ended().kind, 'wait', 'no second verdict when the track ends');
});

test('a track is unknown only after the attempt cap and two frames; a single frame is never a stranger', () => {
  const opts = { threshold: 80, maxAttempts: 2, minUnknownFrames: 2, keepSnapshots: 2 };
  const once = new TrackDecision('a', new Date(0), opts);
  once.add(sample(unit(1, 0)));
  assert.equal(once.searched(undefined).kind, 'wait');
  assert.equal(once.ended().kind, 'wait');
  const twice = new TrackDecision('b', new Date(0), opts);
  twice.add(sample(unit(1, 0)));
  twice.searched({ faceId: 'f', userId: null, externalImageId: null, similarity: 50 });
  twice.add(sample(unit(1, 0)));
  const v = twice.searched(undefined);
  assert.deepEqual(v, { kind: 'unknown', bestSimilarity: 50 });
  const ended = new TrackDecision('c', new Date(0), { ...opts, maxAttempts: 10 });
  ended.add(sample(unit(1, 0)));
  ended.add(sample(unit(1, 0)));
  assert.equal(ended.ended().kind, 'unknown', 'a track that ends after two frames without a match is a stranger');
});

test('the best snapshots are the largest, sharpest faces, bounded', () => {
  const d = new TrackDecision('t', new Date(0), {
    threshold: 80,
    maxAttempts: 9,
    minUnknownFrames: 2,
    keepSnapshots: 2,
  });
  d.add(sample(unit(1, 0), 0.1));
  d.add(sample(unit(1, 0), 0.4));
  d.add(sample(unit(1, 0), 0.4, 10));
  assert.equal(d.best.length, 2);
  assert.equal(d.best[0]!.box.width, 0.4);
  assert.equal(d.best[0]!.sharpness, 80);
});

test('the cool-down suppresses the same visitor and the same stranger until it expires', () => {
  const c = new VisitCooldown(60_000, sim, 80);
  assert.equal(c.admitKnown('dani', 0), true);
  assert.equal(c.admitKnown('dani', 59_999), false);
  assert.equal(c.admitKnown('other', 1), true);
  assert.equal(c.admitKnown('dani', 60_001), true);
  assert.equal(c.admitStranger(unit(1, 0), 0), true);
  assert.equal(c.admitStranger(unit(0.99, 0.01), 1000), false);
  assert.equal(c.admitStranger(unit(0, 1), 1000), true, 'another stranger');
  assert.equal(c.admitStranger(unit(1, 0), 61_000), true);
});

test('the JPEG splitter yields whole frames across chunk boundaries and resynchronises after garbage', () => {
  const frames: Buffer[] = [];
  const s = new JpegSplitter((f) => frames.push(f), 64);
  const jpeg = (fill: number) => Buffer.from([0xff, 0xd8, fill, 0xff, 0x00, fill, 0xff, 0xd9]);
  const stream = Buffer.concat([
    Buffer.from('junk'),
    jpeg(1),
    jpeg(2),
    Buffer.from([0xff, 0xd8, ...Array(100).fill(7)]),
    jpeg(3),
  ]);
  for (let i = 0; i < stream.length; i += 3) s.push(stream.subarray(i, i + 3));
  assert.deepEqual(frames[0], jpeg(1));
  assert.deepEqual(frames[1], jpeg(2));
  assert.deepEqual(frames.at(-1), jpeg(3));
  assert.ok(s.oversized >= 1);
});

test('camera URLs lose their credentials in anything shown', () => {
  assert.equal(redactUrl('rtsp://admin:hunter2@10.0.0.5:554/stream1'), 'rtsp://***@10.0.0.5:554/stream1');
  assert.equal(
    redactUrl('failed http://cam/snap.jpg?user=a&password=b'),
    'failed http://cam/snap.jpg?user=***&password=***',
  );
  assert.equal(redactUrl('http://cam/video'), 'http://cam/video');
});

test('RTSP is read over TCP, files at their own rate, and frames are sampled and capped in width', () => {
  const rtsp = ffmpegArgs({ kind: 'rtsp', url: 'rtsp://cam/s', listen: false }, { fps: 5, maxWidth: 1280 });
  assert.equal(rtsp[rtsp.indexOf('-rtsp_transport') + 1], 'tcp');
  assert.equal(rtsp[rtsp.indexOf('-timeout') + 1], '10000000', 'a socket timeout in microseconds');
  const old = ffmpegArgs(
    { kind: 'rtsp', url: 'rtsp://cam/s', listen: false },
    { fps: 5, maxWidth: 1280, rtspTimeout: '-stimeout' },
  );
  assert.ok(old.includes('-stimeout') && !old.includes('-timeout'), 'ffmpeg 4 gets its own name for it');
  const listen = ffmpegArgs({ kind: 'rtsp', url: 'rtsp://0.0.0.0:8554/s', listen: true }, { fps: 5, maxWidth: 1280 });
  assert.ok(!listen.includes('-timeout') && listen.includes('listen'));
  assert.ok(rtsp.includes("fps=5,scale='min(1280,iw)':-2"));
  const file = ffmpegArgs({ kind: 'file', path: 'a.mp4', loop: true }, { fps: 2, maxWidth: 640 });
  assert.ok(file.includes('-re') && file.includes('-stream_loop'));
});
