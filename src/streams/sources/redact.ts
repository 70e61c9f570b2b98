// Camera URLs often carry credentials (rtsp://user:password@host/…). They are replaced before anything reaches a log,
// an error message, the API or /readyz.

/** `rtsp://user:secret@cam/stream?token=x` → `rtsp://***@cam/stream?token=***`. */
export function redactUrl(text: string): string {
  return text
    .replace(/([a-z][a-z0-9+.-]*:\/\/)[^/@\s]+@/gi, '$1***@')
    .replace(/([?&](?:password|passwd|pwd|token|key|secret|auth|user|username)=)[^&\s]*/gi, '$1***');
}
