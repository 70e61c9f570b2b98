// kill -9 right after an approval was acknowledged (while its passcode SMS could not leave): the visitor, the
// decision and door.approved are all on disk, and the passcode sweep sends the visitor a fresh passcode that opens
// the door. The sweep runs on an injected clock past the in-flight window.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { DoorEntry } from '../../src/apps/door/door.entry.ts';
import { sqliteDoorStore } from '../../src/apps/door/door.sqlite.driver.ts';
import { newSecret } from '../../src/apps/door/passcode.crypto.ts';
import { PasscodeIssuer } from '../../src/apps/door/passcode.issuer.ts';
import { SmsPasscodeSender } from '../../src/apps/door/sms.passcode.sender.ts';
import { SqliteEventOutbox } from '../../src/events/outbox.sqlite.ts';
import { openDeploymentDatabase } from '../../src/db/sqlite.database.ts';
import { createLogger } from '../../src/logger.ts';
import { SqliteNotifyStore } from '../../src/notify/notify.sqlite.driver.ts';
import { SmsNotifier } from '../../src/notify/sms.notifier.ts';
import { SETTINGS } from './door.fixture.ts';

const CHILD = new URL('./approval.crash.child.ts', import.meta.url).pathname;

// The timeout only stops a broken build from hanging CI; nothing here measures time.
test(
  'an acknowledged approval survives kill -9, and its passcode still reaches the visitor',
  { timeout: 180_000 },
  async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fg-door-crash-'));
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const ack = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).on('line', (l) => l.startsWith('ACK ') && resolve(l.slice(4)));
        child.once('exit', (code, signal) => reject(new Error(`server exited (${code ?? signal}) before ACK`)));
      });
      child.kill('SIGKILL');
      await once(child, 'exit');
      const { visitorId, pendingId, passcodeSent } = JSON.parse(ack) as {
        visitorId: string;
        pendingId: string;
        passcodeSent: boolean;
      };
      assert.equal(passcodeSent, false, 'the SMS provider refused the connection');

      const deployment = openDeploymentDatabase(dir);
      const { db } = deployment;
      try {
        const store = sqliteDoorStore(db);
        assert.equal((await store.getVisitor(visitorId))?.name, 'Dana');
        assert.equal((await store.getPending(pendingId))?.state, 'approved');
        const approved = await new SqliteEventOutbox(db).list({ type: 'door.approved' });
        assert.deepEqual(
          approved.map((e) => e.data.visitorId),
          [visitorId],
        );

        const later = new Date(Date.now() + 31_000);
        const notify = new SqliteNotifyStore(db);
        const key = await store.secret(newSecret);
        const deps = { store, clock: { now: () => later }, key, settings: SETTINGS, logger: createLogger('silent') };
        const issuer = new PasscodeIssuer({
          ...deps,
          sms: new SmsPasscodeSender(new SmsNotifier({}, notify)),
          ids: { uuid: () => crypto.randomUUID() },
        });
        assert.equal(await issuer.recoverUnsent((id) => store.getDoor(id)), 1);
        const [sms] = (await notify.listSms()).filter((m) => m.to === '+15550000002');
        const code = /is (\d{6})\./.exec(sms?.body ?? '')?.[1];
        assert.ok(code, `a passcode SMS: ${sms?.body}`);
        const r = await new DoorEntry(deps).open('front', code, '10.0.0.1');
        assert.equal(r.granted, true);
      } finally {
        db.close();
      }
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  },
);
