// The console: a hash-routed single page over /v1. Each page renders into <main> and may return a cleanup
// (cameras and timers stop when you leave the page).
import { api, session } from './api.ts';
import { h, clear } from './dom.ts';
import { collectionsPage, keysPage } from './pages/admin.ts';
import { doorPage } from './pages/door.ts';
import { camerasPage } from './pages/cameras.ts';
import { peoplePage } from './pages/people.ts';
import { pipelinePage } from './pages/pipeline.ts';
import { proctorPage } from './pages/proctor.ts';
import { searchPage, verifyPage } from './pages/search.ts';
import { signinPage } from './pages/signin.ts';

type Page = (root: HTMLElement) => Promise<void | (() => void)>;

const PAGES: Record<string, { title: string; page: Page; admin?: boolean }> = {
  people: { title: 'People', page: peoplePage },
  search: { title: 'Search', page: searchPage },
  verify: { title: 'Verify', page: verifyPage },
  proctor: { title: 'Proctor', page: proctorPage },
  collections: { title: 'Collections', page: collectionsPage },
  pipeline: { title: 'Pipeline', page: pipelinePage },
  door: { title: 'Door', page: doorPage },
  cameras: { title: 'Cameras', page: camerasPage },
  keys: { title: 'API keys', page: keysPage, admin: true },
};

const main = document.querySelector('main')!;
const nav = document.querySelector('nav')!;
let cleanup: (() => void) | undefined;

function renderNav(current: string): void {
  const admin = localStorage.getItem('facegate.role') === 'admin';
  clear(
    nav,
    session.key
      ? [
          Object.entries(PAGES)
            .filter(([, p]) => admin || !p.admin)
            .map(([id, p]) => h('a', { href: `#/${id}`, class: id === current ? 'active' : '' }, p.title)),
          h('a', { href: '/v1/docs', target: '_blank' }, 'API reference'),
          h('button', { class: 'link', onclick: () => (session.set(null), (location.hash = '#/signin')) }, 'Sign out'),
        ]
      : [],
  );
}

async function route(): Promise<void> {
  cleanup?.();
  cleanup = undefined;
  const id = location.hash.replace(/^#\//, '') || 'people';
  const target = session.key ? (PAGES[id] ? id : 'people') : 'signin';
  renderNav(target);
  clear(main);
  try {
    if (target === 'signin') return await signinPage(main);
    cleanup = (await PAGES[target]!.page(main)) ?? undefined;
  } catch (e) {
    main.append(h('p', { class: 'status error' }, (e as Error).message));
  }
}

window.addEventListener('hashchange', () => void route());
void api;
void route();
