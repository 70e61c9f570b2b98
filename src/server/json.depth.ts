// A nesting-depth check over raw JSON text, run before JSON.parse: a million nested brackets in a small body would
// otherwise cost hundreds of milliseconds of event loop in the parser (and in every walker after it). One pass over
// the bytes, skipping string contents; brackets inside strings do not count.
import { FacegateError } from '../errors.ts';

/** Deep enough for every request body this server accepts (the deepest schemas nest well under 10). */
export const MAX_JSON_DEPTH = 64;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_BRACE = 0x7b;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACE = 0x7d;
const CLOSE_BRACKET = 0x5d;

/** Throws INVALID_PARAMETER when objects/arrays in `text` nest deeper than `max`. Malformed JSON is left to the parser. */
export function assertJsonDepth(text: Buffer | string, max = MAX_JSON_DEPTH): void {
  // Bytes and UTF-16 code units agree on every ASCII delimiter counted here, so both forms are read in place.
  const code = typeof text === 'string' ? (i: number) => text.charCodeAt(i) : (i: number) => text[i];
  const quoteAfter = (i: number) => (typeof text === 'string' ? text.indexOf('"', i) : text.indexOf(QUOTE, i));
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = code(i);
    if (c === QUOTE) {
      // Jump to the closing quote: indexOf is native, so long strings (base64 images) cost almost nothing.
      for (;;) {
        const end = quoteAfter(i + 1);
        if (end < 0) return;
        let slashes = 0;
        for (let k = end - 1; code(k) === BACKSLASH; k--) slashes++;
        i = end;
        if (slashes % 2 === 0) break;
      }
    } else if (c === OPEN_BRACE || c === OPEN_BRACKET) {
      if (++depth > max) {
        throw new FacegateError('INVALID_PARAMETER', `The JSON body is nested deeper than ${max} levels`);
      }
    } else if (c === CLOSE_BRACE || c === CLOSE_BRACKET) {
      depth--;
    }
  }
}
