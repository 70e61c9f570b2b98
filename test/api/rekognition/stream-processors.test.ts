// Stream processors through @aws-sdk/client-rekognition against a real server (real engine, a config-file camera on
// the door video, looped): create → start → face search records arrive at a local HTTP endpoint in the documented
// Kinesis shape (and in the Lambda envelope for a second target) → stop → delete; and the service's errors.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateCollectionCommand,
  CreateStreamProcessorCommand,
  DeleteStreamProcessorCommand,
  DescribeStreamProcessorCommand,
  IndexFacesCommand,
  ListStreamProcessorsCommand,
  StartStreamProcessorCommand,
  StopStreamProcessorCommand,
  UpdateStreamProcessorCommand,
  type CreateStreamProcessorCommandInput,
  type RekognitionClient,
  type RekognitionServiceException,
} from '@aws-sdk/client-rekognition';
import { preparedRuntime } from '../../helpers/models.helper.ts';
import { ffmpegPath } from '../../helpers/services.ts';
import { doorFrames, doorVideo } from '../../streams/streams.harness.ts';
import { startServer, type Harness } from './rekognition.harness.ts';

type Body = Record<string, unknown>;
let h: Harness;
let rk: RekognitionClient;
let sink: Server;
let dir: string;
const received: { path: string; body: Body }[] = [];
let waiters: (() => void)[] = [];

/** Resolves once a received body satisfies `ok` (bounded). */
function receivedWhere(ok: (r: { path: string; body: Body }) => boolean, timeoutMs = 60_000): Promise<Body> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no matching record among ${received.length}`)), timeoutMs);
    const check = () => {
      const hit = received.find(ok);
      if (!hit) return false;
      clearTimeout(timer);
      resolve(hit.body);
      return true;
    };
    if (!check()) waiters.push(check as () => void);
  });
}

before(async () => {
  await (await preparedRuntime(['blazeface', 'facemesh', 'mobilefacenet'])).close();
  sink = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Body });
      const w = waiters;
      waiters = [];
      for (const f of w) if (!(f as () => boolean)()) waiters.push(f);
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  const port = (sink.address() as AddressInfo).port;
  dir = await mkdtemp(join(tmpdir(), 'facegate-sp-'));
  const video = await doorVideo(dir, await doorFrames());
  const configFile = join(dir, 'facegate.json');
  await writeFile(
    configFile,
    JSON.stringify({
      cameras: [{ id: 'front', source: { kind: 'file', path: video, loop: true }, collectionId: 'door' }],
      streams: {
        targets: [
          { stream: 'door-results', webhook: `http://127.0.0.1:${port}/records` },
          { stream: 'door-lambda', webhook: `http://127.0.0.1:${port}/lambda`, envelope: 'lambda' },
        ],
      },
    }),
  );
  h = await startServer({}, { FACEGATE_CONFIG_FILE: configFile, FACEGATE_FFMPEG_PATH: ffmpegPath() });
  await h.container.get('engine');
  await h.container.get('cameras');
  rk = h.client();
  await rk.send(new CreateCollectionCommand({ CollectionId: 'door' }));
  const dani = new Uint8Array(await readFile(new URL('../../fixtures/images/dani_640.jpg', import.meta.url)));
  await rk.send(new IndexFacesCommand({ CollectionId: 'door', Image: { Bytes: dani }, ExternalImageId: 'dani' }));
});
after(async () => {
  await h?.close();
  sink?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ACCOUNT = '123456789012';
const input = (
  name: string,
  over: Partial<CreateStreamProcessorCommandInput> = {},
): CreateStreamProcessorCommandInput => ({
  Name: name,
  Input: { KinesisVideoStream: { Arn: `arn:aws:kinesisvideo:us-east-1:${ACCOUNT}:stream/front/1700000000000` } },
  Output: { KinesisDataStream: { Arn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/door-results` } },
  RoleArn: `arn:aws:iam::${ACCOUNT}:role/facegate-video`,
  Settings: { FaceSearch: { CollectionId: 'door', FaceMatchThreshold: 80 } },
  ...over,
});

async function sdkError(p: Promise<unknown>): Promise<RekognitionServiceException> {
  try {
    await p;
  } catch (e) {
    return e as RekognitionServiceException;
  }
  assert.fail('expected an error');
}

test('/readyz shows ffmpeg and the config-file camera', async () => {
  const body = (await (await fetch(`${h.url}/readyz`)).json()) as {
    cameras: { ffmpeg: { available: boolean }; cameras: Record<string, { state: string }> };
  };
  assert.equal(body.cameras.ffmpeg.available, true);
  assert.ok(body.cameras.cameras.front, JSON.stringify(body.cameras));
});

test('CreateStreamProcessor refuses an unknown camera, an unknown collection, an unconfigured output and a used name', async () => {
  const noCamera = await sdkError(
    rk.send(
      new CreateStreamProcessorCommand(
        input('x', {
          Input: { KinesisVideoStream: { Arn: `arn:aws:kinesisvideo:us-east-1:${ACCOUNT}:stream/garage/1` } },
        }),
      ),
    ),
  );
  assert.equal(noCamera.name, 'InvalidParameterException', noCamera.message);
  const noCollection = await sdkError(
    rk.send(new CreateStreamProcessorCommand(input('x', { Settings: { FaceSearch: { CollectionId: 'nope' } } }))),
  );
  assert.equal(noCollection.name, 'ResourceNotFoundException', noCollection.message);
  const noTarget = await sdkError(
    rk.send(
      new CreateStreamProcessorCommand(
        input('x', { Output: { KinesisDataStream: { Arn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/other` } } }),
      ),
    ),
  );
  assert.equal(noTarget.name, 'InvalidParameterException');
  await rk.send(new CreateStreamProcessorCommand(input('dup')));
  const dup = await sdkError(rk.send(new CreateStreamProcessorCommand(input('dup'))));
  assert.equal(dup.name, 'ResourceInUseException');
  await rk.send(new DeleteStreamProcessorCommand({ Name: 'dup' }));
  const gone = await sdkError(rk.send(new DescribeStreamProcessorCommand({ Name: 'dup' })));
  assert.equal(gone.name, 'ResourceNotFoundException');
});

test('create → start → records in the documented shape → stop → delete', async () => {
  const created = await rk.send(new CreateStreamProcessorCommand(input('front-door')));
  assert.match(created.StreamProcessorArn ?? '', /:streamprocessor\/front-door$/);
  await rk.send(
    new CreateStreamProcessorCommand(
      input('front-lambda', {
        Output: { KinesisDataStream: { Arn: `arn:aws:kinesis:us-east-1:${ACCOUNT}:stream/door-lambda` } },
      }),
    ),
  );
  const before = await rk.send(new DescribeStreamProcessorCommand({ Name: 'front-door' }));
  assert.equal(before.Status, 'STOPPED');
  assert.equal(before.Settings?.FaceSearch?.CollectionId, 'door');
  assert.ok(before.CreationTimestamp instanceof Date);

  const started = await rk.send(new StartStreamProcessorCommand({ Name: 'front-door' }));
  assert.ok(started.SessionId);
  await rk.send(new StartStreamProcessorCommand({ Name: 'front-lambda' }));
  const again = await sdkError(rk.send(new StartStreamProcessorCommand({ Name: 'front-door' })));
  assert.equal(again.name, 'ResourceInUseException');
  assert.equal((await rk.send(new DescribeStreamProcessorCommand({ Name: 'front-door' }))).Status, 'RUNNING');
  const list = await rk.send(new ListStreamProcessorsCommand({}));
  assert.deepEqual(
    list.StreamProcessors?.map((p) => [p.Name, p.Status]),
    [
      ['front-door', 'RUNNING'],
      ['front-lambda', 'RUNNING'],
    ],
  );

  const matched = (r: Body) =>
    (r.FaceSearchResponse as { MatchedFaces: { Face: { ExternalImageId?: string } }[] }[] | undefined)?.some((f) =>
      f.MatchedFaces.some((m) => m.Face.ExternalImageId === 'dani'),
    ) ?? false;
  const record = await receivedWhere((r) => r.path === '/records' && matched(r.body));
  const kv = (record.InputInformation as { KinesisVideo: Record<string, unknown> }).KinesisVideo;
  assert.equal(kv.StreamArn, input('x').Input!.KinesisVideoStream!.Arn);
  assert.equal(typeof kv.FragmentNumber, 'string');
  for (const k of ['ServerTimestamp', 'ProducerTimestamp', 'FrameOffsetInSeconds'])
    assert.equal(typeof kv[k], 'number', k);
  assert.deepEqual(record.StreamProcessorInformation, { Status: 'RUNNING' });
  const face = (
    record.FaceSearchResponse as { DetectedFace: Body; MatchedFaces: { Similarity: number; Face: Body }[] }[]
  )[0]!;
  assert.ok('BoundingBox' in face.DetectedFace && 'Confidence' in face.DetectedFace);
  const m = face.MatchedFaces[0]!;
  assert.ok(m.Similarity >= 80);
  for (const k of ['FaceId', 'ImageId', 'BoundingBox', 'Confidence', 'ExternalImageId']) assert.ok(k in m.Face, k);

  const lambda = await receivedWhere((r) => {
    if (r.path !== '/lambda') return false;
    const data = (r.body.Records as { kinesis: { data: string } }[])[0]!.kinesis.data;
    return matched(JSON.parse(Buffer.from(data, 'base64').toString('utf8')) as Body);
  });
  const rec = (lambda.Records as Body[])[0]!;
  assert.equal(rec.eventSource, 'aws:kinesis');
  assert.match(String(rec.eventSourceARN), /:stream\/door-lambda$/);

  const busy = await sdkError(rk.send(new DeleteStreamProcessorCommand({ Name: 'front-door' })));
  assert.equal(busy.name, 'ResourceInUseException');
  await rk.send(
    new UpdateStreamProcessorCommand({ Name: 'front-door', DataSharingPreferenceForUpdate: { OptIn: false } }),
  );
  await rk.send(new StopStreamProcessorCommand({ Name: 'front-door' }));
  await rk.send(new StopStreamProcessorCommand({ Name: 'front-lambda' }));
  const stopped = await rk.send(new DescribeStreamProcessorCommand({ Name: 'front-door' }));
  assert.equal(stopped.Status, 'STOPPED');
  assert.deepEqual(stopped.DataSharingPreference, { OptIn: false });
  const stopAgain = await sdkError(rk.send(new StopStreamProcessorCommand({ Name: 'front-door' })));
  assert.equal(stopAgain.name, 'ResourceInUseException');
  await rk.send(new DeleteStreamProcessorCommand({ Name: 'front-door' }));
  await rk.send(new DeleteStreamProcessorCommand({ Name: 'front-lambda' }));
  assert.deepEqual((await rk.send(new ListStreamProcessorsCommand({}))).StreamProcessors, []);
});
