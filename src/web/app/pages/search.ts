// Search by upload or webcam snapshot (1:N identify, boxes drawn with the matched name) and 1:1 verify.
import { api } from '../api.ts';
import { h, clear, listen, status } from '../dom.ts';
import { Camera, drawBoxes, dropZone, type Box } from '../media.ts';

interface Identify {
  unknown: boolean;
  threshold: number;
  searchedFace: { box: Box; confidence: number } | null;
  matches: {
    similarity: number;
    person: { personId: string; name: string; email: string | null; phone: string | null };
  }[];
}

/** Image source shared by both pages: a file (drop/click) or a webcam snapshot. */
function imageSource(onImage: (b: Blob) => void, camera: Camera): HTMLElement {
  const snap = h('button', { type: 'button', class: 'secondary' }, 'Use webcam');
  listen(snap, 'click', async () => {
    if (!camera.running) {
      await camera.start();
      snap.textContent = 'Take snapshot';
      return;
    }
    onImage(await camera.snapshot());
  });
  return h(
    'div',
    { class: 'source' },
    dropZone('Drop a photo here or click to choose', false, (f) => f[0] && onImage(f[0])),
    snap,
    camera.video,
  );
}

export async function searchPage(root: HTMLElement): Promise<() => void> {
  const camera = new Camera();
  const out = h('div', { id: 'search-result' });
  const st = status();
  const run = async (blob: Blob) => {
    st.set('Searching…', 'busy');
    try {
      const r = await api<Identify>('POST', '/v1/identify', blob);
      const best = r.matches[0];
      const label = best ? `${best.person.name} ${best.similarity.toFixed(1)}%` : 'unknown';
      const canvas = r.searchedFace ? await drawBoxes(blob, [{ box: r.searchedFace.box, label, ok: !!best }]) : null;
      clear(
        out,
        canvas,
        h('h3', { class: 'verdict' }, best ? `Best match: ${best.person.name}` : 'Unknown person'),
        h(
          'ul',
          { class: 'matches' },
          r.matches.map((m) =>
            h(
              'li',
              {},
              `${m.person.name} — ${m.similarity.toFixed(1)}%`,
              m.person.email ? ` · ${m.person.email}` : '',
              m.person.phone ? ` · ${m.person.phone}` : '',
            ),
          ),
        ),
      );
      st.set(`Threshold ${r.threshold}`);
    } catch (e) {
      st.set((e as Error).message, 'error');
    }
  };
  root.append(
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Who is this? (1:N)'),
      imageSource((b) => void run(b), camera),
      st,
      out,
    ),
  );
  return () => camera.stop();
}

export async function verifyPage(root: HTMLElement): Promise<() => void> {
  const camera = new Camera();
  const { people } = await api<{ people: { personId: string; name: string }[] }>('GET', '/v1/people?limit=500');
  const select = h(
    'select',
    { name: 'person' },
    people.map((p) => h('option', { value: p.personId }, p.name)),
  );
  const out = h('div', { id: 'verify-result' });
  const st = status();
  const run = async (blob: Blob) => {
    st.set('Verifying…', 'busy');
    try {
      const r = await api<{
        verified: boolean;
        similarity: number;
        threshold: number;
        name: string;
        searchedFace: { box: Box };
      }>('POST', `/v1/people/${select.value}/verify`, blob);
      const label = `${r.verified ? 'match' : 'no match'} ${r.similarity.toFixed(1)}%`;
      clear(
        out,
        await drawBoxes(blob, [{ box: r.searchedFace.box, label, ok: r.verified }]),
        h('h3', { class: 'verdict' }, r.verified ? `Verified: ${r.name}` : `Not ${r.name}`),
      );
      st.set(`Similarity ${r.similarity.toFixed(1)} (threshold ${r.threshold})`);
    } catch (e) {
      st.set((e as Error).message, 'error');
    }
  };
  root.append(
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Is this person X? (1:1)'),
      h('label', {}, 'Person', select),
      imageSource((b) => void run(b), camera),
      st,
      out,
    ),
  );
  return () => camera.stop();
}
