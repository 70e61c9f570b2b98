// The snapshot driver of FrameSource: GET a still-image URL at an interval (cameras without a stream, Home Assistant
// camera proxies). A non-JPEG or failed answer fails the source, so the camera shows the error and reconnects.
import type { FrameSource, SourceFrame } from './frame-source.port.ts';
import { redactUrl } from './redact.ts';

export class SnapshotSource implements FrameSource {
  constructor(
    private readonly url: string,
    private readonly intervalMs: number,
    private readonly timeoutMs = 10_000,
  ) {}

  async run(onFrame: (frame: SourceFrame) => void, signal: AbortSignal): Promise<void> {
    const started = Date.now();
    const target = new URL(this.url);
    // Credentials in the URL become a Basic header (fetch refuses URLs with userinfo).
    const headers: Record<string, string> = {};
    if (target.username || target.password) {
      const user = decodeURIComponent(target.username);
      const pass = decodeURIComponent(target.password);
      headers.authorization = `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`;
      target.username = '';
      target.password = '';
    }
    while (!signal.aborted) {
      const tick = Date.now();
      let res: Response;
      try {
        res = await fetch(target, { headers, signal: AbortSignal.any([signal, AbortSignal.timeout(this.timeoutMs)]) });
      } catch (e) {
        if (signal.aborted) return;
        throw new Error(`snapshot ${redactUrl(this.url)} failed: ${(e as Error).message}`);
      }
      const body = Buffer.from(await res.arrayBuffer());
      if (!res.ok) throw new Error(`snapshot ${redactUrl(this.url)} answered HTTP ${res.status}`);
      if (body[0] !== 0xff || body[1] !== 0xd8) throw new Error(`snapshot ${redactUrl(this.url)} is not a JPEG`);
      onFrame({ jpeg: body, producedAt: new Date(), offsetSeconds: (Date.now() - started) / 1000 });
      const wait = Math.max(0, this.intervalMs - (Date.now() - tick));
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, wait);
        signal.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
      });
    }
  }
}
