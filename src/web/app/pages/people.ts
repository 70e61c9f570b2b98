// People: register a person with photos (drag and drop), list them with thumbnails, delete them.
import { api, imageUrl } from '../api.ts';
import { h, clear, listen, status } from '../dom.ts';
import { dropZone } from '../media.ts';

interface Person {
  personId: string;
  name: string;
  email: string | null;
  phone: string | null;
  fields: Record<string, string>;
  photos: { photoId: string; thumbnailUrl: string }[];
}

function parseFields(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}

export async function peoplePage(root: HTMLElement): Promise<void> {
  const list = h('div', { class: 'grid', id: 'people' });
  const st = status();
  let photos: File[] = [];
  const chosen = h('div', { class: 'chosen' });
  const form = h(
    'form',
    { class: 'card', id: 'register' },
    h('h2', {}, 'Register a person'),
    h('label', {}, 'Name', h('input', { name: 'name', required: true })),
    h(
      'div',
      { class: 'row' },
      h('label', {}, 'E-mail', h('input', { name: 'email', type: 'email' })),
      h('label', {}, 'Phone', h('input', { name: 'phone' })),
    ),
    h('label', {}, 'Other fields (key=value per line)', h('textarea', { name: 'fields', rows: 2 })),
    h(
      'fieldset',
      { id: 'consent' },
      h('legend', {}, 'Consent (required by collections that ask for it)'),
      h(
        'div',
        { class: 'row' },
        h('label', {}, 'Purpose', h('input', { name: 'consentPurpose', placeholder: 'building access' })),
        h(
          'label',
          {},
          'Given',
          h(
            'select',
            { name: 'consentMethod' },
            ...['written', 'electronic', 'verbal', 'other'].map((m) => h('option', { value: m }, m)),
          ),
        ),
      ),
      h(
        'div',
        { class: 'row' },
        h('label', {}, 'Given by', h('input', { name: 'consentGivenBy', placeholder: 'the person or a guardian' })),
        h('label', {}, 'Consent text version', h('input', { name: 'consentTextVersion', placeholder: 'v1' })),
      ),
    ),
    dropZone('Drop photos here or click to choose', true, (files) => {
      photos = [...photos, ...files];
      clear(chosen, ...photos.map((f) => h('img', { src: URL.createObjectURL(f), alt: f.name })));
    }),
    chosen,
    h('button', { type: 'submit' }, 'Register'),
    st,
  );
  listen(form, 'submit', async (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const body = new FormData();
    for (const k of ['name', 'email', 'phone']) if (data.get(k)) body.append(k, String(data.get(k)));
    body.append('fields', JSON.stringify(parseFields(String(data.get('fields') ?? ''))));
    const purpose = String(data.get('consentPurpose') ?? '').trim();
    if (purpose) {
      const consent = {
        purpose,
        method: String(data.get('consentMethod') ?? 'written'),
        givenBy: String(data.get('consentGivenBy') ?? '').trim() || String(data.get('name') ?? ''),
        textVersion: String(data.get('consentTextVersion') ?? '').trim() || 'v1',
      };
      body.append('consent', JSON.stringify(consent));
    }
    for (const f of photos) body.append('photos', f, f.name);
    st.set('Registering…', 'busy');
    try {
      const p = await api<Person>('POST', '/v1/people', body);
      st.set(`Registered ${p.name} with ${p.photos.length} photo(s)`);
      form.reset();
      photos = [];
      clear(chosen);
      await load();
    } catch (err) {
      st.set((err as Error).message, 'error');
    }
  });
  const search = h('input', { type: 'search', placeholder: 'Filter by name, e-mail or phone' });
  search.addEventListener('input', () => void load());

  async function load(): Promise<void> {
    const q = search.value ? `&q=${encodeURIComponent(search.value)}` : '';
    const { people } = await api<{ people: Person[] }>('GET', `/v1/people?limit=200${q}`);
    clear(list, people.length ? people.map(card) : h('p', { class: 'hint' }, 'Nobody registered yet.'));
  }

  function card(p: Person): HTMLElement {
    const img = h('img', { class: 'thumb', alt: p.name });
    const first = p.photos[0];
    if (first) void imageUrl(first.thumbnailUrl).then((u) => u && (img.src = u));
    const extra = Object.entries(p.fields).map(([k, v]) => `${k}: ${v}`);
    return h(
      'div',
      { class: 'person card', dataset: { personId: p.personId } },
      img,
      h('strong', { class: 'name' }, p.name),
      h('small', {}, [p.email, p.phone, ...extra].filter(Boolean).join(' · ')),
      h('small', {}, `${p.photos.length} photo(s)`),
      h(
        'button',
        {
          class: 'danger',
          onclick: async () => {
            if (!confirm(`Delete ${p.name} with all photos and faces?`)) return;
            await api('DELETE', `/v1/people/${p.personId}`);
            await load();
          },
        },
        'Delete',
      ),
    );
  }

  root.append(form, h('section', {}, h('h2', {}, 'People'), search, list));
  await load();
}
