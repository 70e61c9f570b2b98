// The virtual proctor: index the candidate, then a webcam snapshot every few seconds through the five checks.
import { api, toBase64 } from '../api.ts';
import { h, clear, listen, status } from '../dom.ts';
import { Camera, dropZone } from '../media.ts';

interface Check {
  TestName: string;
  Success: boolean;
  Details: string;
}

const EVERY_MS = 3000;

export async function proctorPage(root: HTMLElement): Promise<() => void> {
  const camera = new Camera();
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;

  const candidates = h('ul', { id: 'candidates' });
  const loadCandidates = async () => {
    const { candidates: list } = await api<{ candidates: { fullName: string; ExternalImageId: string }[] }>(
      'GET',
      '/v1/proctor/faces',
    );
    clear(
      candidates,
      list.map((c) => h('li', {}, c.fullName)),
    );
  };

  const nameInput = h('input', { name: 'fullName', required: true, placeholder: 'Full name' });
  const indexStatus = status();
  const indexWith = async (blob: Blob) => {
    if (!nameInput.value.trim()) return indexStatus.set('Enter the candidate’s name first', 'error');
    indexStatus.set('Indexing…', 'busy');
    try {
      await api('POST', '/v1/proctor/faces', { image: await toBase64(blob), fullName: nameInput.value.trim() });
      indexStatus.set(`Indexed ${nameInput.value.trim()}`);
      await loadCandidates();
    } catch (e) {
      indexStatus.set((e as Error).message, 'error');
    }
  };
  const snapIndex = h('button', { type: 'button', class: 'secondary' }, 'Index from webcam');
  listen(snapIndex, 'click', async () => {
    await camera.start();
    await indexWith(await camera.snapshot());
  });

  const checks = h('div', { id: 'checks', class: 'checks' });
  const live = status();
  const tick = async () => {
    if (!running) return;
    try {
      const result = await api<Check[]>('POST', '/v1/proctor/process', {
        image: await toBase64(await camera.snapshot()),
      });
      clear(
        checks,
        result.map((c) =>
          h(
            'div',
            { class: `check ${c.Success ? 'pass' : 'fail'}`, dataset: { test: c.TestName } },
            h('span', { class: 'mark' }, c.Success ? '✓' : '✗'),
            h('strong', {}, c.TestName),
            h('small', {}, c.Details),
          ),
        ),
      );
      live.set(`Last check ${new Date().toLocaleTimeString()}`);
    } catch (e) {
      live.set((e as Error).message, 'error');
    }
    if (running) timer = setTimeout(() => void tick(), EVERY_MS);
  };
  const toggle = h('button', { type: 'button', id: 'proctor-toggle' }, 'Start proctoring');
  listen(toggle, 'click', async () => {
    running = !running;
    toggle.textContent = running ? 'Stop proctoring' : 'Start proctoring';
    if (running) {
      await camera.start();
      void tick();
    } else clearTimeout(timer);
  });

  root.append(
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Candidate'),
      h('label', {}, 'Full name', nameInput),
      dropZone('Drop the candidate’s photo or click', false, (f) => f[0] && void indexWith(f[0])),
      snapIndex,
      indexStatus,
      h('h3', {}, 'Indexed candidates'),
      candidates,
    ),
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Live checks'),
      h('p', { class: 'hint' }, `A webcam snapshot every ${EVERY_MS / 1000} s goes through the five checks.`),
      toggle,
      camera.video,
      live,
      checks,
    ),
  );
  await loadCandidates();
  return () => {
    running = false;
    clearTimeout(timer);
    camera.stop();
  };
}
