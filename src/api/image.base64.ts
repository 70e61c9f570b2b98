// Base64 image bytes as both APIs take them: the alphabet is checked strictly (Buffer.from alone skips junk) and the
// decoded size is computed from the text, so an image over the limit is refused before a byte is decoded. The APIs
// differ only in what they accept around it (REST: data: URLs, whitespace, the URL-safe alphabet) and in the error
// they answer with, which the caller passes.
import { FacegateError } from '../errors.ts';

const STANDARD = /^[A-Za-z0-9+/]*={0,2}$/;
const URL_SAFE = /^[A-Za-z0-9_-]*$/;

export interface Base64Rules {
  /** Also accept the URL-safe alphabet (unpadded). */
  urlSafe?: boolean;
  /** The refusal for text that is not base64. */
  invalid: () => FacegateError;
  /** The refusal for an image over `maxBytes`, given its decoded size. */
  tooLarge: (size: number) => FacegateError;
}

/** Decodes `text` (already stripped of any prefix and whitespace) under `rules`, refusing before decoding. */
export function decodeStrictBase64(text: string, maxBytes: number, rules: Base64Rules): Uint8Array {
  const standard = text.length % 4 === 0 && STANDARD.test(text);
  const urlSafe = !standard && rules.urlSafe === true && text.length % 4 !== 1 && URL_SAFE.test(text);
  if (text.length === 0 || (!standard && !urlSafe)) throw rules.invalid();
  // 3 bytes per 4 characters, minus padding (unpadded URL-safe text: the partial last group holds n-1 bytes).
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  const size = Math.floor((text.length * 3) / 4) - padding;
  if (size > maxBytes) throw rules.tooLarge(size);
  return new Uint8Array(Buffer.from(text, standard ? 'base64' : 'base64url'));
}
