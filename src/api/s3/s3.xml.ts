// S3's XML, both ways: responses built from small element trees, and the two request bodies S3 clients send
// (CompleteMultipartUpload, Delete), read with bounded regular expressions; no entity expansion beyond the five XML
// escapes and numeric references, so a body cannot grow when read.
export const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

export function xmlEscape(s: string): string {
  return s.replace(/[<>&'"]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[c]!);
}

export function xmlUnescape(s: string): string {
  return s.replace(/&(lt|gt|amp|apos|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});/g, (_m, e: string) => {
    if (e[0] === '#') {
      const cp = e[1] === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : '';
    }
    return ({ lt: '<', gt: '>', amp: '&', apos: "'", quot: '"' } as Record<string, string>)[e]!;
  });
}

export type XmlNode = string | number | boolean | Date | undefined | XmlTree | XmlTree[];
export interface XmlTree {
  [element: string]: XmlNode | XmlNode[];
}

function render(name: string, value: XmlNode | XmlNode[]): string {
  if (value === undefined) return '';
  if (Array.isArray(value)) return value.map((v) => render(name, v)).join('');
  if (value instanceof Date) return `<${name}>${value.toISOString()}</${name}>`;
  if (typeof value === 'object') return `<${name}>${renderTree(value)}</${name}>`;
  return `<${name}>${xmlEscape(String(value))}</${name}>`;
}

const renderTree = (tree: XmlTree): string =>
  Object.entries(tree)
    .map(([k, v]) => render(k, v))
    .join('');

/** `<?xml …?><Root xmlns=…>…</Root>`. */
export function xmlDocument(root: string, tree: XmlTree, namespace: string | undefined = S3_NS): string {
  const ns = namespace ? ` xmlns="${namespace}"` : '';
  return `<?xml version="1.0" encoding="UTF-8"?>\n<${root}${ns}>${renderTree(tree)}</${root}>`;
}

/** The text of every `<name>…</name>` element (no nesting of the same name), unescaped. */
export function elements(xml: string, name: string): string[] {
  const out: string[] = [];
  const re = new RegExp(`<${name}(?:\\s[^>]*)?>([\\s\\S]*?)</${name}>`, 'g');
  for (const m of xml.matchAll(re)) out.push(m[1]!);
  return out;
}

export const text = (xml: string, name: string): string | undefined => {
  const e = elements(xml, name)[0];
  return e === undefined ? undefined : xmlUnescape(e.trim());
};
