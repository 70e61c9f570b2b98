// The server process of the approval crash test: the real container on <dataDir>, with an SMS provider that refuses
// connections (so the passcode SMS cannot leave). A stranger from a fixture photo is approved; once approve()
// returned (what the owner's page shows as acknowledged) it prints ACK <visitorId> and freezes for the SIGKILL.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createContainer } from '../../src/app/container.ts';
import { loadConfig } from '../../src/config/config.ts';
import { createLogger } from '../../src/logger.ts';

const [dataDir] = process.argv.slice(2);
const config = loadConfig({ FACEGATE_DATA_DIR: dataDir!, FACEGATE_SMS_URL: 'http://127.0.0.1:9/sms' });
const container = createContainer(config, createLogger('silent'));
const door = await container.get('door');
const engine = await container.get('engine');
await door.service.defineDoor({ id: 'front', name: 'Front door' });
const jpeg = new Uint8Array(readFileSync(new URL('../fixtures/images/identity.jpg', import.meta.url)));
const face = (await engine.analyze(jpeg, { descriptors: true })).faces[0]!;
const now = new Date();
const outcome = await door.service.handleVisit({
  id: randomUUID(),
  cameraId: 'cam',
  doorId: 'front',
  collectionId: 'door-front',
  trackId: randomUUID(),
  verdict: { kind: 'unknown', bestSimilarity: null },
  firstSeenAt: now,
  decidedAt: now,
  framesSeen: 4,
  snapshots: [{ jpeg, box: face.box, quality: 90 }],
  descriptor: face.descriptor!,
});
const { visitor, passcodeSent } = await door.service.approvals.approve(outcome.pendingId!, {
  name: 'Dana',
  phone: '+15550000002',
});
process.stdout.write(`ACK ${JSON.stringify({ visitorId: visitor.id, pendingId: outcome.pendingId, passcodeSent })}\n`);
await new Promise<never>(() => {}); // frozen until SIGKILL
