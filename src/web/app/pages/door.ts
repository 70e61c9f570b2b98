// The Door section: pick a door; its pending approvals (photos, name/phone, approve/deny), visitors, recent visits
// with their snapshots, and the passcode attempts audit (admins). Links to the public door page.
import { api, imageUrl } from '../api.ts';
import { h, clear, status } from '../dom.ts';

interface Door {
  id: string;
  name: string;
  collectionId: string;
  threshold: number;
}
interface Pending {
  id: string;
  state: string;
  photoUrls: string[];
  createdAt: string;
}
interface Visitor {
  id: string;
  name: string;
  phone: string;
  faceIds: string[];
  createdAt: string;
}
interface Visit {
  id: string;
  kind: string;
  visitorId: string | null;
  similarity: number | null;
  snapshotUrl: string | null;
  at: string;
}
interface Attempt {
  at: string;
  outcome: string;
  address: string;
}

const when = (iso: string) => new Date(iso).toLocaleString();
const img = (url: string) => {
  const el = h('img', { class: 'thumb', alt: 'snapshot' });
  void imageUrl(url).then((u) => (u ? (el.src = u) : el.classList.add('none')));
  return el;
};

export async function doorPage(root: HTMLElement): Promise<void> {
  const { doors } = await api<{ doors: Door[] }>('GET', '/v1/doors');
  if (doors.length === 0) {
    root.append(
      h('p', { class: 'status' }, 'No doors yet: define one in the config file (door.doors) or POST /v1/doors.'),
    );
    return;
  }
  const pick = h(
    'select',
    { id: 'door-pick' },
    doors.map((d) => h('option', { value: d.id }, d.name)),
  );
  const body = h('div', { id: 'door-detail' });
  const admin = localStorage.getItem('facegate.role') === 'admin';

  const show = async (doorId: string) => {
    const d = encodeURIComponent(doorId);
    const [{ pending }, { visitors }, { visits }] = await Promise.all([
      api<{ pending: Pending[] }>('GET', `/v1/doors/${d}/pending?state=pending`),
      api<{ visitors: Visitor[] }>('GET', `/v1/doors/${d}/visitors`),
      api<{ visits: Visit[] }>('GET', `/v1/doors/${d}/visits?limit=20`),
    ]);
    const attempts = admin
      ? (await api<{ attempts: Attempt[] }>('GET', `/v1/doors/${d}/attempts?limit=20`)).attempts
      : [];
    const names = new Map(visitors.map((v) => [v.id, v.name]));
    clear(
      body,
      h('p', {}, h('a', { href: `/door/${d}`, target: '_blank' }, 'Open the door page')),
      h(
        'section',
        { class: 'card', id: 'door-pending' },
        h('h2', {}, `Pending approvals (${pending.length})`),
        pending.map((p) => pendingCard(doorId, p, () => void show(doorId))),
      ),
      h(
        'section',
        { class: 'card', id: 'door-visitors' },
        h('h2', {}, 'Visitors'),
        h(
          'table',
          {},
          h(
            'tr',
            {},
            ['Name', 'Phone', 'Faces', 'Since'].map((t) => h('th', {}, t)),
          ),
          visitors.map((v) =>
            h(
              'tr',
              { class: 'visitor' },
              h('td', { class: 'name' }, v.name),
              h('td', {}, v.phone),
              h('td', {}, v.faceIds.length),
              h('td', {}, when(v.createdAt)),
            ),
          ),
        ),
      ),
      h(
        'section',
        { class: 'card', id: 'door-visits' },
        h('h2', {}, 'Recent visits'),
        h(
          'table',
          {},
          h(
            'tr',
            {},
            ['When', 'Verdict', 'Visitor', 'Similarity', 'Snapshot'].map((t) => h('th', {}, t)),
          ),
          visits.map((v) =>
            h(
              'tr',
              {},
              h('td', {}, when(v.at)),
              h('td', {}, v.kind),
              h('td', {}, v.visitorId ? (names.get(v.visitorId) ?? v.visitorId.slice(0, 8)) : '—'),
              h('td', {}, v.similarity === null ? '—' : v.similarity.toFixed(1)),
              h('td', {}, v.snapshotUrl ? img(v.snapshotUrl) : '—'),
            ),
          ),
        ),
      ),
      admin
        ? h(
            'section',
            { class: 'card', id: 'door-attempts' },
            h('h2', {}, 'Passcode attempts'),
            h(
              'table',
              {},
              h(
                'tr',
                {},
                ['When', 'Outcome', 'Address'].map((t) => h('th', {}, t)),
              ),
              attempts.map((a) =>
                h(
                  'tr',
                  { class: a.outcome === 'granted' ? '' : 'failed' },
                  h('td', {}, when(a.at)),
                  h('td', {}, a.outcome),
                  h('td', {}, a.address),
                ),
              ),
            ),
          )
        : null,
    );
  };
  pick.addEventListener('change', () => void show(pick.value));
  root.append(h('section', { class: 'card' }, h('h2', {}, 'Door'), pick), body);
  await show(doors[0]!.id);
}

function pendingCard(doorId: string, p: Pending, refresh: () => void): HTMLElement {
  const st = status();
  const name = h('input', { name: 'name', placeholder: 'Name', required: true });
  const phone = h('input', { name: 'phone', placeholder: '+15551234567', required: true, type: 'tel' });
  const base = `/v1/doors/${encodeURIComponent(doorId)}/pending/${encodeURIComponent(p.id)}`;
  const decide = async (what: 'approve' | 'deny') => {
    st.set(what === 'approve' ? 'Registering…' : 'Denying…', 'busy');
    try {
      await api('POST', `${base}/${what}`, what === 'approve' ? { name: name.value, phone: phone.value } : undefined);
      refresh();
    } catch (e) {
      st.set((e as Error).message, 'error');
    }
  };
  const form = h(
    'form',
    { class: 'card pending' },
    h('div', { class: 'photos' }, p.photoUrls.map(img)),
    h('small', {}, when(p.createdAt)),
    name,
    phone,
    h('button', { type: 'submit' }, 'Approve'),
    h('button', { type: 'button', class: 'secondary', onclick: () => decide('deny') }, 'Deny'),
    st,
  );
  form.addEventListener('submit', (e) => (e.preventDefault(), void decide('approve')));
  return form;
}
