// The engine's slot scheduler and the admission control in front of it: slots, turns across clients, order within a
// client, the per-client, global and expected-wait bounds, and tickets freed however a request ends. Tasks are held
// on promises the test resolves, so every order below is explicit, not timed.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { FacegateError } from '../../../src/errors.ts';
import { Admission } from '../../../src/vision/admission/admission.control.ts';
import { BACKGROUND_CLIENT, runAdmitted, scheduled } from '../../../src/vision/admission/request.scope.ts';
import { SlotScheduler } from '../../../src/vision/admission/slot.scheduler.ts';

/** A task that records when it starts and runs until the test releases it. */
function held(log: string[], name: string) {
  let release!: () => void;
  const done = new Promise<void>((r) => (release = r));
  return {
    release: () => release(),
    task: async () => {
      log.push(name);
      await done;
      return name;
    },
  };
}
const tick = () => new Promise((r) => setImmediate(r));

function throttled(f: () => unknown): FacegateError {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof FacegateError && e.code === 'THROTTLED', String(e));
    return e;
  }
  assert.fail('expected THROTTLED');
}

describe('SlotScheduler', () => {
  test('runs at most `slots` tasks at once and frees a slot when one ends', async () => {
    const s = new SlotScheduler(2);
    const log: string[] = [];
    const tasks = ['a', 'b', 'c'].map((n) => held(log, n));
    const runs = tasks.map((t) => s.run('x', t.task));
    await tick();
    assert.deepEqual(log, ['a', 'b']);
    assert.equal(s.active, 2);
    assert.equal(s.waiting, 1);
    tasks[0]!.release();
    await tick();
    assert.deepEqual(log, ['a', 'b', 'c']);
    tasks[1]!.release();
    tasks[2]!.release();
    assert.deepEqual(await Promise.all(runs), ['a', 'b', 'c']);
    assert.equal(s.active, 0);
  });

  test('takes turns across clients, oldest first within a client', async () => {
    const s = new SlotScheduler(1);
    const log: string[] = [];
    const first = held(log, 'flood-0');
    const runs = [s.run('flood', first.task)];
    await tick();
    // The flooding client queues three more before the polite client's one request arrives.
    const queued = ['flood-1', 'flood-2', 'flood-3'].map((n) => held(log, n));
    for (const q of queued) runs.push(s.run('flood', q.task));
    const polite = held(log, 'polite-0');
    runs.push(s.run('polite', polite.task));
    for (const t of [first, ...queued, polite]) {
      t.release();
      await tick();
    }
    await Promise.all(runs);
    assert.deepEqual(log, ['flood-0', 'flood-1', 'polite-0', 'flood-2', 'flood-3']);
  });

  test('a task that throws frees its slot and its client load', async () => {
    const s = new SlotScheduler(1);
    await assert.rejects(
      s.run('x', () => Promise.reject(new Error('boom'))),
      /boom/,
    );
    assert.equal(s.loadOf('x'), 0);
    assert.equal(await s.run('x', () => Promise.resolve(7)), 7);
  });
});

describe('Admission', () => {
  const admission = (o: Partial<ConstructorParameters<typeof Admission>[1]> = {}, slots = 2) =>
    new Admission(new SlotScheduler(slots), {
      maxWaitMs: 60_000,
      perClient: 100,
      maxAdmitted: 100,
      initialRequestMs: 100,
      ...o,
    });

  test('refuses a client past its own bound while another client is still admitted', () => {
    const a = admission({ perClient: 2 });
    const tickets = [a.admit('key:flood'), a.admit('key:flood')];
    const e = throttled(() => a.admit('key:flood'));
    assert.match(e.message, /already has 2 image requests/);
    assert.ok((e.details?.retryAfter as number) >= 1);
    const other = a.admit('key:polite');
    tickets[0]!.release();
    tickets.push(a.admit('key:flood'));
    for (const t of [...tickets, other]) t.release();
    assert.equal(a.stats.admitted, 0);
  });

  test('refuses everyone past the global bound', () => {
    const a = admission({ maxAdmitted: 3 });
    const tickets = ['a', 'b', 'c'].map((c) => a.admit(c));
    assert.match(throttled(() => a.admit('d')).message, /at capacity/);
    tickets[1]!.release();
    tickets[1]!.release(); // a second release frees nothing more
    assert.equal(a.stats.admitted, 2);
    a.admit('d');
    throttled(() => a.admit('e'));
  });

  test('admits only what can expect a slot within the wait bound, and says when to come back', () => {
    // 1 slot, 100 ms per request assumed: the 1st waits 0, the 2nd 100, the 3rd 200, the 4th would wait 300 > 250.
    const a = admission({ maxWaitMs: 250 }, 1);
    for (let i = 0; i < 3; i++) a.admit(`c${i}`);
    assert.equal(a.expectedWaitMs(), 300);
    const e = throttled(() => a.admit('c3'));
    assert.equal(e.details?.retryAfter, 1);
  });

  test('a flooding client’s backlog does not push a new client past the wait bound', () => {
    // 1 slot, 100 ms per request, 250 ms wait bound: the flood gets 3 in (waits 0, 100, 200), then is refused; a client
    // with nothing in progress waits only for the flood's next turn (100 ms) and is admitted, but not twice.
    const a = admission({ maxWaitMs: 250 }, 1);
    for (let i = 0; i < 3; i++) a.admit('key:flood');
    throttled(() => a.admit('key:flood'));
    assert.equal(a.expectedWaitMs('key:polite'), 100);
    a.admit('key:polite');
    throttled(() => a.admit('key:polite'));
  });

  test('background analyses count as work ahead but are never refused', async () => {
    const a = admission({ maxWaitMs: 50 }, 1);
    const log: string[] = [];
    const bg = held(log, 'camera');
    const running = scheduled(a.scheduler, bg.task);
    await tick();
    assert.equal(a.scheduler.loadOf(BACKGROUND_CLIENT), 1);
    // The slot is busy with the camera frame: a request would wait 100 ms > 50.
    throttled(() => a.admit('key:x'));
    bg.release();
    await running;
    a.admit('key:x').release();
  });

  test('a request that fails in the engine frees its ticket and its slot', async () => {
    const a = admission({}, 1);
    const ticket = a.admit('key:x');
    await assert.rejects(
      runAdmitted(ticket, () => scheduled(a.scheduler, () => Promise.reject(new Error('bad image')))),
      /bad image/,
    );
    ticket.release();
    assert.equal(a.stats.admitted, 0);
    assert.equal(a.scheduler.active, 0);
    // Engine calls made inside the request run in its client's turn, not as background work.
    const t2 = a.admit('key:y');
    const seen = await runAdmitted(t2, () =>
      scheduled(a.scheduler, async () => [a.scheduler.loadOf('key:y'), a.scheduler.loadOf(BACKGROUND_CLIENT)]),
    );
    t2.release();
    assert.deepEqual(seen, [1, 0]);
  });

  test('the expected wait follows the measured engine time per request', () => {
    const a = admission({}, 1);
    const before = a.stats.requestMs;
    for (let i = 0; i < 20; i++) {
      const t = a.admit('key:x');
      t.charge(400);
      t.release();
    }
    assert.ok(a.stats.requestMs > before && a.stats.requestMs <= 400, String(a.stats.requestMs));
    const held1 = a.admit('key:x');
    assert.ok(a.expectedWaitMs() > 300, 'one request ahead on one slot costs about its engine time');
    held1.release();
  });
});
