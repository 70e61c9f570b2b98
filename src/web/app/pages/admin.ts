// Collections and their faces (read-only), and API key management.
import { api, imageUrl } from '../api.ts';
import { h, clear, listen, status } from '../dom.ts';

export async function collectionsPage(root: HTMLElement): Promise<void> {
  const faces = h('div', { class: 'grid', id: 'faces' });
  const { collections } = await api<{
    collections: { collectionId: string; faceCount: number; faceModelVersion: string }[];
  }>('GET', '/v1/collections');
  // Faces of registered people carry the person id as ExternalImageId: show their names instead.
  const { people } = await api<{ people: { personId: string; name: string }[] }>('GET', '/v1/people?limit=500');
  const names = new Map(people.map((p) => [p.personId, p.name]));
  const show = async (id: string) => {
    const r = await api<{ faces: { faceId: string; externalImageId?: string; thumbnailUrl: string }[] }>(
      'GET',
      `/v1/collections/${encodeURIComponent(id)}/faces?limit=200`,
    );
    clear(
      faces,
      r.faces.map((f) => {
        const img = h('img', { class: 'thumb', alt: f.externalImageId ?? f.faceId });
        void imageUrl(f.thumbnailUrl).then((u) => (u ? (img.src = u) : img.classList.add('none')));
        return h(
          'div',
          { class: 'card face' },
          img,
          h('small', { class: 'label' }, names.get(f.externalImageId ?? '') ?? f.externalImageId ?? '—'),
          h('code', {}, f.faceId.slice(0, 8)),
        );
      }),
    );
  };
  root.append(
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Collections'),
      h(
        'table',
        {},
        h('tr', {}, h('th', {}, 'Collection'), h('th', {}, 'Faces'), h('th', {}, 'Model')),
        collections.map((c) =>
          h(
            'tr',
            {},
            h(
              'td',
              {},
              h(
                'a',
                { href: '#', onclick: (e: Event) => (e.preventDefault(), void show(c.collectionId)) },
                c.collectionId,
              ),
            ),
            h('td', {}, c.faceCount),
            h('td', {}, c.faceModelVersion),
          ),
        ),
      ),
    ),
    faces,
    await retentionSection(),
  );
}

type Schedule = Record<string, string | null>;

/** How long each kind of data is kept, per collection and pipeline (GET /v1/retention). */
async function retentionSection(): Promise<HTMLElement> {
  const section = h('section', { class: 'card', id: 'retention' }, h('h2', {}, 'Retention'));
  try {
    const r = await api<{
      audit: string | null;
      collections: Record<string, Schedule>;
      pipelines: Record<string, Schedule>;
    }>('GET', '/v1/retention');
    const kinds = ['people', 'faces', 'runs', 'events', 'deliveries', 'sms'];
    const rows = [
      ...Object.entries(r.collections).map(([n, s]) => [`collection ${n}`, s] as const),
      ...Object.entries(r.pipelines).map(([n, s]) => [`pipeline ${n}`, s] as const),
    ];
    section.append(
      h(
        'table',
        {},
        h('tr', {}, h('th', {}, ''), ...kinds.map((k) => h('th', {}, k))),
        rows.map(([name, s]) =>
          h('tr', {}, h('td', {}, name), ...kinds.map((k) => h('td', {}, s[k] ?? 'until erased'))),
        ),
      ),
      h('p', { class: 'hint' }, `Audit log: ${r.audit ?? 'kept until purged by hand'}`),
    );
  } catch (err) {
    section.append(h('p', { class: 'hint' }, `Retention unavailable: ${(err as Error).message}`));
  }
  return section;
}

interface Key {
  id: string;
  name: string;
  role: string;
  collections: string[] | null;
  apps: string[] | null;
  dailyQuota: number;
  usedToday: number;
  revokedAt: string | null;
}

/** `people, staff` → ['people', 'staff']; empty → undefined (no limit). */
const listOf = (v: FormDataEntryValue | null): string[] | undefined => {
  const items = String(v ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return items.length ? items : undefined;
};

const scopeOf = (k: Key): string =>
  [k.collections && `collections: ${k.collections.join(', ')}`, k.apps && `apps: ${k.apps.join(', ')}`]
    .filter(Boolean)
    .join('; ') || 'all';

export async function keysPage(root: HTMLElement): Promise<void> {
  const table = h('table', { id: 'keys' });
  const st = status();
  const load = async () => {
    const { keys } = await api<{ keys: Key[] }>('GET', '/v1/keys');
    clear(
      table,
      h(
        'tr',
        {},
        ['Id', 'Name', 'Role', 'Scope', 'Today / quota', 'State', ''].map((t) => h('th', {}, t)),
      ),
      keys.map((k) =>
        h(
          'tr',
          {},
          h('td', {}, h('code', {}, k.id)),
          h('td', {}, k.name),
          h('td', {}, k.role),
          h('td', {}, scopeOf(k)),
          h('td', {}, `${k.usedToday} / ${k.dailyQuota || '∞'}`),
          h('td', {}, k.revokedAt ? 'revoked' : 'active'),
          h(
            'td',
            {},
            k.revokedAt
              ? ''
              : h(
                  'button',
                  { class: 'danger', onclick: async () => (await api('DELETE', `/v1/keys/${k.id}`), await load()) },
                  'Revoke',
                ),
          ),
        ),
      ),
    );
  };
  const form = h(
    'form',
    { class: 'row' },
    h('input', { name: 'name', placeholder: 'Name', required: true }),
    h(
      'select',
      { name: 'role' },
      ['operator', 'reader', 'admin'].map((r) => h('option', { value: r }, r)),
    ),
    h('input', { name: 'collections', placeholder: 'Collections (all)' }),
    h('input', { name: 'apps', placeholder: 'Apps: verify, proctor, … (all)' }),
    h('input', { name: 'quota', type: 'number', min: 0, placeholder: 'Daily quota (default)' }),
    h('button', { type: 'submit' }, 'Create key'),
  );
  listen(form, 'submit', async (e) => {
    e.preventDefault();
    const d = new FormData(form);
    try {
      const quota = d.get('quota') ? Number(d.get('quota')) : null;
      const r = await api<{ key: string }>('POST', '/v1/keys', {
        name: d.get('name'),
        role: d.get('role'),
        dailyQuota: quota,
        collections: listOf(d.get('collections')),
        apps: listOf(d.get('apps')),
      });
      st.set(`New key (copy it now, it is not shown again): ${r.key}`);
      form.reset();
      await load();
    } catch (err) {
      st.set((err as Error).message, 'error');
    }
  });
  root.append(h('section', { class: 'card' }, h('h2', {}, 'API keys'), form, st, table));
  await load();
}
