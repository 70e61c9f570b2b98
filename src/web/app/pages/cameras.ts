// Cameras (/v1/cameras, /v1/visits): each camera's live view (the latest analysed frame with boxes and names,
// refreshed every second), its status, and the recent visits with their best frames.
import { api, imageUrl } from '../api.ts';
import { h, clear } from '../dom.ts';

interface Camera {
  id: string;
  origin: 'config' | 'api';
  spec: { name?: string; source: { kind: string }; fps: number; collectionId: string; doorId: string | null };
  status: {
    state: string;
    fps: number;
    framesDropped: number;
    framesReceived: number;
    lastFrameAt: string | null;
    lastError: string | null;
    activeTracks: number;
  };
}
interface Visit {
  id: string;
  cameraId: string;
  kind: 'known' | 'unknown';
  externalImageId: string | null;
  userId: string | null;
  similarity: number | null;
  decidedAt: string;
  leftAt: string | null;
  snapshotUrl: string;
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleTimeString() : '—');

export async function camerasPage(root: HTMLElement): Promise<() => void> {
  const grid = h('section', { class: 'cards', id: 'cameras' });
  const visits = h('table', { id: 'visits' });
  const urls = new Map<string, string>();
  let stopped = false;

  const setImage = (key: string, img: HTMLImageElement, url: string | null) => {
    if (!url) return;
    const old = urls.get(key);
    urls.set(key, url);
    img.src = url;
    if (old) URL.revokeObjectURL(old);
  };

  const refresh = async () => {
    const { cameras } = await api<{ cameras: Camera[] }>('GET', '/v1/cameras');
    clear(
      grid,
      cameras.length ? null : h('p', {}, 'No cameras yet: add one in the config file or with POST /v1/cameras.'),
      cameras.map((c) => {
        const img = h('img', { alt: `Live view of ${c.id}`, width: 320 });
        if (urls.has(c.id)) img.src = urls.get(c.id)!;
        void imageUrl(`/v1/cameras/${encodeURIComponent(c.id)}/snapshot?t=${Date.now()}`).then((u) =>
          setImage(c.id, img, u),
        );
        const s = c.status;
        return h(
          'article',
          { class: 'card' },
          h('h2', {}, c.spec.name ?? c.id),
          img,
          h(
            'p',
            {},
            `${s.state} · ${s.fps} fps of ${c.spec.fps} · ${s.framesDropped} dropped · last frame ${when(s.lastFrameAt)}`,
          ),
          h(
            'p',
            {},
            `${c.spec.source.kind} → ${c.spec.collectionId}${c.spec.doorId ? ` · door ${c.spec.doorId}` : ''} · ${s.activeTracks} in view`,
          ),
          s.lastError ? h('p', { class: 'status error' }, s.lastError) : null,
        );
      }),
    );
    const recent = await api<{ visits: Visit[] }>('GET', '/v1/visits?limit=20');
    clear(
      visits,
      h(
        'tr',
        {},
        ['', 'Camera', 'Who', 'Similarity', 'Decided', 'Left'].map((t) => h('th', {}, t)),
      ),
      recent.visits.map((v) => {
        const img = h('img', { alt: 'best frame', width: 96 });
        if (urls.has(v.id)) img.src = urls.get(v.id)!;
        else void imageUrl(v.snapshotUrl).then((u) => setImage(v.id, img, u));
        return h(
          'tr',
          {},
          h('td', {}, img),
          h('td', {}, v.cameraId),
          h('td', {}, v.kind === 'known' ? (v.externalImageId ?? v.userId ?? 'known') : 'unknown visitor'),
          h('td', {}, v.similarity === null ? '—' : v.similarity.toFixed(1)),
          h('td', {}, when(v.decidedAt)),
          h('td', {}, when(v.leftAt)),
        );
      }),
    );
  };

  clear(root, h('h1', {}, 'Cameras'), grid, h('h2', {}, 'Recent visits'), visits);
  await refresh();
  // One refresh at a time; the next starts a second after the last one finished.
  const loop = async () => {
    while (!stopped) {
      await new Promise((r) => setTimeout(r, 1000));
      if (!stopped) await refresh().catch(() => undefined);
    }
  };
  void loop();
  return () => {
    stopped = true;
    for (const u of urls.values()) URL.revokeObjectURL(u);
  };
}
