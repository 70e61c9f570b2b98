// The public door pages, served without an API key: the virtual door (/door/<doorId>: a passcode in, "Welcome,
// <name>" or "Permission denied" out, the form paused while locked out) and the approval page of the owner's signed
// link (/approve?token=…: the stranger's photos, a name/phone form, approve or deny). The link is the credential.
import { clear, h } from '../app/dom.ts';

interface Answer<T> {
  ok: boolean;
  status: number;
  body: T & { code?: string; message?: string; details?: { retryAfter?: number } };
}

async function call<T>(method: string, path: string, body?: unknown): Promise<Answer<T>> {
  const r = await fetch(path, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = (await r.json().catch(() => ({}))) as Answer<T>['body'];
  return { ok: r.ok, status: r.status, body: json };
}

const main = document.querySelector('main')!;

async function doorPage(doorId: string): Promise<void> {
  const info = await call<{ name: string; secondFactor: boolean }>('GET', `/v1/door/${encodeURIComponent(doorId)}`);
  if (!info.ok) return void clear(main, h('p', { class: 'status error' }, info.body.message ?? 'No such door'));
  document.title = `${info.body.name} — Facegate`;
  const input = h('input', {
    name: 'passcode',
    inputmode: 'numeric',
    autocomplete: 'one-time-code',
    maxlength: '6',
    pattern: '[0-9]{6}',
    required: true,
    placeholder: '6-digit passcode',
  });
  const button = h('button', { type: 'submit' }, 'Open');
  const result = h('p', { class: 'result', role: 'status', 'aria-live': 'polite' });
  let unlockTimer: number | undefined;
  const pause = (seconds: number) => {
    input.disabled = button.disabled = true;
    clearTimeout(unlockTimer);
    unlockTimer = window.setTimeout(() => (input.disabled = button.disabled = false), seconds * 1000);
  };
  const form = h(
    'form',
    { id: 'door', class: 'card' },
    h('h1', {}, info.body.name),
    info.body.secondFactor ? h('p', { class: 'hint' }, 'Look at the camera, then enter your passcode.') : null,
    input,
    button,
    result,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void (async () => {
      const r = await call<{ message: string }>('POST', `/v1/door/${encodeURIComponent(doorId)}/open`, {
        passcode: input.value,
      });
      input.value = '';
      result.textContent = r.ok ? r.body.message : (r.body.message ?? 'Permission denied');
      result.className = `result ${r.ok ? 'granted' : r.status === 429 ? 'locked' : 'denied'}`;
      if (r.status === 429) pause(r.body.details?.retryAfter ?? 30);
    })().catch((err: unknown) => (result.textContent = (err as Error).message));
  });
  clear(main, form);
  input.focus();
  const camera = new URLSearchParams(location.search).get('camera');
  const key = new URLSearchParams(location.hash.slice(1)).get('key');
  if (camera && key) main.append(await cameraMode(camera, key));
}

/**
 * The door page as the door's camera (a tablet by the door): webcam frames, as JPEG, pushed to the camera's `push`
 * source (`POST /v1/cameras/<id>/frames`, which needs an operator key: it rides in the URL fragment, never
 * sent to the server as part of the URL). At most one frame in flight; FRAME_MS apart.
 */
async function cameraMode(cameraId: string, key: string): Promise<HTMLElement> {
  const FRAME_MS = 400;
  const state = h('small', { id: 'camera-state' }, 'camera: starting…');
  const video = h('video', { autoplay: true, muted: true, playsInline: true, class: 'thumb' });
  const box = h('div', { class: 'card', id: 'door-camera' }, video, state);
  const stream = await navigator.mediaDevices.getUserMedia({ video: { width: 640, height: 480 }, audio: false });
  video.srcObject = stream;
  await video.play();
  const canvas = document.createElement('canvas');
  let sent = 0;
  const tick = async () => {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    canvas.getContext('2d')!.drawImage(video, 0, 0);
    const jpeg = await new Promise<Blob | null>((r) => canvas.toBlob(r, 'image/jpeg', 0.85));
    if (!jpeg) return;
    const r = await fetch(`/v1/cameras/${encodeURIComponent(cameraId)}/frames`, {
      method: 'POST',
      headers: { 'x-api-key': key, 'content-type': 'image/jpeg' },
      body: jpeg,
    });
    state.textContent = r.ok
      ? `camera: ${++sent} frames sent`
      : `camera: ${r.status} ${(await r.text()).slice(0, 120)}`;
  };
  const loop = () => {
    tick()
      .catch((e: unknown) => (state.textContent = `camera: ${(e as Error).message}`))
      .finally(() => window.setTimeout(loop, FRAME_MS));
  };
  loop();
  return box;
}

async function approvalPage(token: string): Promise<void> {
  const base = `/v1/approvals/${encodeURIComponent(token)}`;
  const req = await call<{ doorName: string; state: string; createdAt: string; photoUrls: string[] }>('GET', base);
  if (!req.ok)
    return void clear(
      main,
      h('p', { class: 'status error', id: 'approval-error' }, req.body.message ?? 'Invalid link'),
    );
  const r = req.body;
  const result = h('p', { class: 'result', role: 'status' });
  const name = h('input', { name: 'name', required: true, placeholder: 'Name', maxlength: '128' });
  const phone = h('input', {
    name: 'phone',
    required: true,
    placeholder: '+15551234567',
    type: 'tel',
    pattern: '\\+[1-9][0-9]{6,14}',
  });
  const decide = async (decision: 'approve' | 'deny') => {
    const a = await call<{ state: string; passcodeSent?: boolean }>('POST', base, {
      decision,
      name: name.value,
      phone: phone.value,
    });
    result.textContent = !a.ok
      ? (a.body.message ?? 'Failed')
      : a.body.state === 'approved'
        ? a.body.passcodeSent
          ? `Approved: ${name.value} was sent a passcode.`
          : `Approved; the passcode SMS will be retried.`
        : 'Denied.';
    result.className = `result ${a.ok ? a.body.state : 'denied'}`;
    if (a.ok) form.querySelectorAll('button, input').forEach((el) => ((el as HTMLInputElement).disabled = true));
  };
  const form = h(
    'form',
    { id: 'approval', class: 'card' },
    h('h1', {}, `Someone is at ${r.doorName}`),
    h('p', {}, `Seen ${new Date(r.createdAt).toLocaleString()} — ${r.state}`),
    h(
      'div',
      { class: 'photos' },
      r.photoUrls.map((u, i) => h('img', { src: u, alt: `photo ${i + 1}`, class: 'thumb' })),
    ),
    r.state === 'pending'
      ? [
          name,
          phone,
          h('button', { type: 'submit', name: 'approve' }, 'Approve'),
          h('button', { type: 'button', name: 'deny', class: 'secondary', onclick: () => decide('deny') }, 'Deny'),
        ]
      : null,
    result,
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    decide('approve').catch((err: unknown) => (result.textContent = (err as Error).message));
  });
  clear(main, form);
}

const path = location.pathname;
const page = path.startsWith('/door/')
  ? doorPage(decodeURIComponent(path.slice('/door/'.length)))
  : approvalPage(new URLSearchParams(location.search).get('token') ?? '');
page.catch((e: unknown) => clear(main, h('p', { class: 'status error' }, (e as Error).message)));
