// Pipeline runs (/v1/runs): newest first, then one run's steps, error, persisted record and events.
import { api } from '../api.ts';
import { h, clear } from '../dom.ts';

interface Step {
  name: string;
  stage: number;
  state: string;
  attempts: number;
  error: string | null;
  durationMs: number | null;
}
interface Run {
  runId: string;
  pipeline: string;
  state: 'running' | 'succeeded' | 'failed';
  createdAt: string;
  finishedAt: string | null;
  steps: Step[];
  error?: unknown;
}
interface RunDetail extends Run {
  record: Record<string, unknown> | null;
  events: { id: string; type: string; occurredAt: string }[];
}

const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export async function pipelinePage(root: HTMLElement): Promise<void> {
  const detail = h('section', { class: 'card', id: 'run-detail', hidden: true });
  const state = h(
    'select',
    {},
    ['', 'running', 'succeeded', 'failed'].map((s) => h('option', { value: s }, s || 'any state')),
  );
  const table = h('table', { id: 'runs' });

  const show = async (id: string) => {
    const r = await api<RunDetail>('GET', `/v1/runs/${encodeURIComponent(id)}`);
    detail.hidden = false;
    clear(
      detail,
      h('h2', {}, `Run ${r.runId.slice(0, 8)} — ${r.pipeline}: ${r.state}`),
      h(
        'table',
        {},
        h(
          'tr',
          {},
          ['Stage', 'Step', 'State', 'Attempts', 'ms', 'Error'].map((t) => h('th', {}, t)),
        ),
        r.steps.map((s) =>
          h(
            'tr',
            { class: s.state },
            h('td', {}, s.stage),
            h('td', {}, s.name),
            h('td', {}, s.state),
            h('td', {}, s.attempts),
            h('td', {}, s.durationMs ?? '—'),
            h('td', {}, s.error ?? ''),
          ),
        ),
      ),
      r.error ? h('pre', { class: 'status error' }, JSON.stringify(r.error, null, 2)) : null,
      r.record ? [h('h3', {}, 'Persisted record'), h('pre', {}, JSON.stringify(r.record, null, 2))] : null,
      h('h3', {}, 'Events'),
      h(
        'ul',
        {},
        r.events.map((e) => h('li', {}, `${when(e.occurredAt)} ${e.type}`)),
      ),
    );
  };

  const load = async () => {
    const q = state.value ? `&state=${state.value}` : '';
    const { runs } = await api<{ runs: Run[] }>('GET', `/v1/runs?limit=100${q}`);
    clear(
      table,
      h(
        'tr',
        {},
        ['Run', 'Pipeline', 'State', 'Steps', 'Started', 'Finished'].map((t) => h('th', {}, t)),
      ),
      runs.length
        ? runs.map((r) =>
            h(
              'tr',
              {},
              h(
                'td',
                {},
                h('a', { href: '#', onclick: (e: Event) => (e.preventDefault(), show(r.runId)) }, r.runId.slice(0, 8)),
              ),
              h('td', {}, r.pipeline),
              h('td', { class: `run-${r.state}` }, r.state),
              h('td', {}, `${r.steps.filter((s) => s.state === 'succeeded').length}/${r.steps.length}`),
              h('td', {}, when(r.createdAt)),
              h('td', {}, when(r.finishedAt)),
            ),
          )
        : h(
            'tr',
            {},
            h(
              'td',
              { colSpan: 6, class: 'hint' },
              'No runs yet: upload to a pipeline (POST /v1/pipelines/{name}/uploads).',
            ),
          ),
    );
  };
  state.addEventListener('change', () => void load());
  root.append(h('section', { class: 'card' }, h('h2', {}, 'Pipeline runs'), state, table), detail);
  await load();
}
