// The Face Liveness page (/liveness?session=<SessionId>[&return=/path]): a short selfie sequence with a head-movement
// challenge. It asks for a frontal look, a turn one way and a turn the other, posting a JPEG every FRAME_MS to the
// session and following the server's progress (the pose comes from the server's detector, never from the page);
// then it completes the session and shows the verdict. The application reads the result with
// GetFaceLivenessSessionResults. `return` (a same-origin path) is opened afterwards with ?liveness=<SessionId>.
import { clear, h } from '../app/dom.ts';
import { Camera } from '../app/media.ts';

const FRAME_MS = 250;
/** Bounded: the session takes at most 60 frames and lives 3 minutes. */
const MAX_FRAMES = 48;

interface Progress {
  frontal: boolean;
  left: boolean;
  right: boolean;
}

const main = document.querySelector('main')!;
const params = new URLSearchParams(location.search);
const session = params.get('session') ?? '';
const back = params.get('return');

function deviceId(): string {
  const key = 'facegate-device';
  let id = localStorage.getItem(key);
  if (!id) {
    id = [...crypto.getRandomValues(new Uint8Array(16))].map((b) => b.toString(16).padStart(2, '0')).join('');
    localStorage.setItem(key, id);
  }
  return id;
}

async function post<T>(path: string, body: unknown): Promise<{ ok: boolean; body: T & { message?: string } }> {
  const r = await fetch(`/liveness/sessions/${encodeURIComponent(session)}/${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-facegate-device': deviceId() },
    body: JSON.stringify(body),
  });
  return { ok: r.ok, body: (await r.json().catch(() => ({}))) as T & { message?: string } };
}

const toBase64 = async (b: Blob) => {
  const bytes = new Uint8Array(await b.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
};

const prompt = (p: Progress) =>
  !p.frontal
    ? 'Look straight at the camera'
    : !p.left && !p.right
      ? 'Slowly turn your head to the left'
      : !(p.left && p.right)
        ? 'Now turn your head to the right'
        : 'Done';

async function run(camera: Camera, status: HTMLElement): Promise<void> {
  let p: Progress = { frontal: false, left: false, right: false };
  for (let i = 0; i < MAX_FRAMES && !(p.frontal && p.left && p.right); i++) {
    status.textContent = prompt(p);
    const started = performance.now();
    const r = await post<{ challenge: Progress; faces: number }>('frames', {
      image: await toBase64(await camera.snapshot()),
    });
    if (!r.ok) {
      status.textContent = r.body.message ?? 'The session refused the frame';
      status.className = 'status error';
      return;
    }
    p = r.body.challenge;
    if (r.body.faces !== 1)
      status.textContent = r.body.faces === 0 ? 'No face found: move closer' : 'Only one face, please';
    const wait = FRAME_MS - (performance.now() - started);
    if (wait > 0) await new Promise((res) => setTimeout(res, wait));
  }
  camera.stop();
  const done = await post<{ status: string; confidence: number; reason: string }>('complete', {});
  const passed = done.ok && done.body.status === 'SUCCEEDED';
  status.className = passed ? 'status ok' : 'status error';
  status.textContent = done.ok
    ? passed
      ? 'Thank you: the check is complete.'
      : `The check failed${done.body.reason ? `: ${done.body.reason}` : ''}.`
    : (done.body.message ?? 'The session could not be completed');
  document.body.dataset.liveness = done.ok ? done.body.status : 'ERROR';
  if (back && back.startsWith('/') && !back.startsWith('//')) {
    const u = new URL(back, location.origin);
    u.searchParams.set('liveness', session);
    location.assign(u.toString());
  }
}

function page(): void {
  if (!/^[0-9a-f-]{36}$/.test(session)) {
    clear(main, h('p', { class: 'status error' }, 'This link has no liveness session.'));
    return;
  }
  const camera = new Camera();
  const status = h('p', { class: 'status', 'aria-live': 'polite' }, 'Press start, then follow the instructions.');
  const start = h(
    'button',
    {
      type: 'button',
      onclick: async () => {
        start.disabled = true;
        try {
          await camera.start();
          await run(camera, status);
          // Single use: a new check needs a new session link.
          start.remove();
        } catch (e) {
          status.className = 'status error';
          status.textContent = `Camera unavailable: ${(e as Error).message}`;
        }
      },
    },
    'Start',
  );
  clear(main, h('section', {}, h('h1', {}, 'Liveness check'), camera.video, status, start));
}

page();
