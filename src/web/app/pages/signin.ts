// Sign in with an API key (created with `facegate keys create --admin` or on the keys page).
import { api, session } from '../api.ts';
import { h, status } from '../dom.ts';

export async function signinPage(root: HTMLElement): Promise<void> {
  const input = h('input', {
    type: 'password',
    name: 'apiKey',
    placeholder: 'fgk_…',
    autocomplete: 'off',
    required: true,
  });
  const st = status();
  const form = h(
    'form',
    {
      class: 'card narrow',
      onsubmit: async (e: Event) => {
        e.preventDefault();
        session.set(input.value.trim());
        try {
          const me = await api<{ name: string; role: string }>('GET', '/v1/me');
          localStorage.setItem('facegate.role', me.role);
          location.hash = '#/people';
        } catch (err) {
          session.set(null);
          st.set((err as Error).message, 'error');
        }
      },
    },
    h('h2', {}, 'Sign in'),
    h('label', {}, 'API key', input),
    h('button', { type: 'submit' }, 'Sign in'),
    st,
    h(
      'p',
      { class: 'hint' },
      'Create a key on the server with ',
      h('code', {}, 'facegate keys create --name me --admin'),
      '.',
    ),
  );
  root.append(form);
}
