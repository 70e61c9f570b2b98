// The browsable API reference at /v1/docs: one self-contained HTML page (no CDN, no external fonts) that reads
// /v1/openapi.json and lists every operation with its parameters, bodies, responses and error codes.
import { createHash } from 'node:crypto';

export const REFERENCE_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">
<title>Facegate REST API reference</title>
<style>
body{font:15px/1.5 system-ui,sans-serif;margin:0;color:#1d2330;background:#f6f7f9}
header{background:#1d2330;color:#fff;padding:16px 24px}header a{color:#9cc3ff}
main{max-width:1000px;margin:0 auto;padding:16px 24px}
.op{background:#fff;border:1px solid #dde1e7;border-radius:8px;margin:10px 0}
.op summary{cursor:pointer;padding:10px 14px;display:flex;gap:12px;align-items:center}
.m{font:600 12px monospace;padding:3px 8px;border-radius:4px;color:#fff;min-width:54px;text-align:center}
.GET{background:#2f7d32}.POST{background:#1565c0}.PUT{background:#8e5b00}.PATCH{background:#6a1b9a}.DELETE{background:#b71c1c}
.path{font-family:monospace}.body{padding:0 14px 12px}pre{background:#f0f2f5;padding:8px;border-radius:6px;overflow:auto;font-size:12px}
h2{margin-top:28px}.lock{color:#8a6d00;font-size:12px}
</style></head><body>
<header><h1 style="margin:0;font-size:20px">Facegate REST API</h1>
<div id="desc"></div><div><a href="/v1/openapi.json">openapi.json</a> · <a href="/">console</a></div></header>
<main id="ops">Loading…</main>
<script>
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const pre = (o) => '<pre>' + esc(JSON.stringify(o, null, 2)) + '</pre>';
fetch('/v1/openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('desc').textContent = doc.info.description;
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops)) (byTag[op.tags[0]] ??= []).push({ path, method, op });
  let html = '';
  for (const [tag, list] of Object.entries(byTag)) {
    html += '<h2>' + esc(tag) + '</h2>';
    for (const { path, method, op } of list) {
      const m = method.toUpperCase();
      html += '<details class="op" id="' + esc(op.operationId) + '"><summary><span class="m ' + m + '">' + m +
        '</span><span class="path">' + esc(path) + '</span><span>' + esc(op.summary) + '</span>' +
        (op.security.length ? '<span class="lock">key or token</span>' : '') + '</summary><div class="body">';
      if (op.parameters.length) html += '<h4>Parameters</h4>' + pre(op.parameters);
      if (op.requestBody) html += '<h4>Request body</h4>' + pre(op.requestBody.content);
      html += '<h4>Responses</h4>' + pre(op.responses) + '</div></details>';
    }
  }
  document.getElementById('ops').innerHTML = html;
}, (e) => { document.getElementById('ops').textContent = 'Could not load the document: ' + e; });
</script></body></html>`;

/** Its CSP: nothing but its own inline script (by hash), inline styles, and fetches of openapi.json from this origin. */
export const REFERENCE_PAGE_CSP = [
  "default-src 'none'",
  `script-src 'sha256-${createHash('sha256')
    .update(/<script>([\s\S]*?)<\/script>/.exec(REFERENCE_PAGE)?.[1] ?? '')
    .digest('base64')}'`,
  "style-src 'unsafe-inline'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
