// A tiny hyperscript for the console: h('button', { onclick }, 'Save'). Text children are escaped by the DOM.
type Child = Node | string | number | null | undefined | false | Child[];
type Attrs = Record<string, unknown>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') {
      el.addEventListener(k.slice(2), (e) => {
        const r: unknown = (v as (e: Event) => unknown)(e);
        if (r instanceof Promise) r.catch((err: unknown) => alert((err as Error).message));
      });
    } else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (k in el && typeof v !== 'string') (el as unknown as Record<string, unknown>)[k] = v;
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el: Node, children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, children);
}

/** A status line that pages reuse for progress and errors. */
export function status(): HTMLParagraphElement & { set(text: string, kind?: 'ok' | 'error' | 'busy'): void } {
  const p = h('p', { class: 'status', role: 'status' }) as HTMLParagraphElement & { set(t: string, k?: string): void };
  p.set = (text, kind = 'ok') => {
    p.textContent = text;
    p.className = `status ${kind}`;
  };
  return p;
}

/** addEventListener for async handlers: a rejection is shown to the user instead of being lost. */
export function listen(el: EventTarget, type: string, fn: (e: Event) => Promise<unknown>): void {
  el.addEventListener(type, (e) => {
    fn(e).catch((err: unknown) => alert((err as Error).message));
  });
}
