// The console's only way to the server: /v1 with the signed-in API key. Errors arrive as {code, message}.
const KEY = 'facegate.apiKey';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export const session = {
  get key(): string | null {
    return sessionStorage.getItem(KEY);
  },
  set(key: string | null): void {
    if (key) sessionStorage.setItem(KEY, key);
    else sessionStorage.removeItem(KEY);
  },
};

/** JSON bodies are sent as JSON; Blob (image) and FormData (multipart) as they are. */
export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = {};
  if (session.key) headers['x-api-key'] = session.key;
  let payload: BodyInit | undefined;
  if (body instanceof Blob) {
    payload = body;
    headers['content-type'] = body.type || 'image/jpeg';
  } else if (body instanceof FormData) {
    payload = body;
  } else if (body !== undefined) {
    payload = JSON.stringify(body);
    headers['content-type'] = 'application/json';
  }
  const r = await fetch(path, { method, headers, body: payload });
  if (r.status === 401 && path !== '/v1/me') location.hash = '#/signin';
  if (!r.ok) {
    const e = (await r.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new ApiError(r.status, e.code ?? 'HTTP_' + r.status, e.message ?? r.statusText);
  }
  return (r.headers.get('content-type') ?? '').includes('json') ? ((await r.json()) as T) : (undefined as T);
}

/** Images behind the API key cannot be <img src>: fetch them and hand out an object URL (null on 404). */
export async function imageUrl(path: string): Promise<string | null> {
  const r = await fetch(path, { headers: session.key ? { 'x-api-key': session.key } : {} });
  return r.ok ? URL.createObjectURL(await r.blob()) : null;
}

export async function toBase64(blob: Blob): Promise<string> {
  const bytes = new Uint8Array(await blob.arrayBuffer());
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}
