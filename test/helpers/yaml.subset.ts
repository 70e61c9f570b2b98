// A reader for the YAML subset the deployment files are written in, so their test needs no YAML dependency:
// block mappings and sequences by indentation, `- key: value` items, plain / "double" / 'single' quoted scalars,
// flow sequences of scalars ([a, "b"], also over several lines), the empty mapping {}, comments, and `---` between documents. Anything else (anchors, block
// scalars, flow mappings, tags) is refused with the line number, so the files cannot drift outside what is checked.

export type Yaml = string | number | boolean | null | Yaml[] | { [k: string]: Yaml };

interface Line {
  no: number;
  indent: number;
  text: string;
}

/** Parses every document of a file. */
export function parseYamlDocuments(source: string): Yaml[] {
  const docs: Line[][] = [[]];
  source.split('\n').forEach((raw, i) => {
    const text = stripComment(raw).trimEnd();
    if (text.trim() === '---') return void docs.push([]);
    if (text.trim() === '') return;
    if (/\t/.test(raw.slice(0, raw.length - raw.trimStart().length))) fail(i + 1, 'tab indentation');
    docs[docs.length - 1]!.push({ no: i + 1, indent: text.length - text.trimStart().length, text: text.trim() });
  });
  return docs
    .map(joinFlowLines)
    .filter((d) => d.length)
    .map((lines) => new Reader(lines).block(lines[0]!.indent));
}

/** A flow sequence split over lines (as formatters write long ones) becomes one line, on its key's line. */
function joinFlowLines(lines: Line[]): Line[] {
  const out: Line[] = [];
  let depth = 0;
  for (const l of lines) {
    const prev = out[out.length - 1];
    if (prev && (depth > 0 || (l.text.startsWith('[') && prev.text.endsWith(':')))) {
      prev.text += (depth > 0 && prev.text.endsWith('[') ? '' : ' ') + l.text;
    } else out.push({ ...l });
    depth += bracketDelta(l.text);
  }
  return out;
}

function bracketDelta(text: string): number {
  let d = 0;
  let quote: string | undefined;
  for (const c of text) {
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '[') d++;
    else if (c === ']') d--;
  }
  return d;
}

function fail(no: number, what: string): never {
  throw new Error(`YAML subset: line ${no}: ${what}`);
}

function stripComment(line: string): string {
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '#' && (i === 0 || /\s/.test(line[i - 1]!))) return line.slice(0, i);
  }
  return line;
}

class Reader {
  private i = 0;
  constructor(private readonly lines: Line[]) {}

  block(indent: number): Yaml {
    const first = this.lines[this.i];
    if (!first || first.indent < indent) return null;
    return first.text.startsWith('- ') || first.text === '-' ? this.sequence(first.indent) : this.mapping(first.indent);
  }

  private sequence(indent: number): Yaml[] {
    const out: Yaml[] = [];
    for (let l = this.lines[this.i]; l && l.indent === indent && (l.text.startsWith('- ') || l.text === '-');) {
      const rest = l.text.slice(1).trimStart();
      if (rest === '') {
        this.i++;
        out.push(this.block(indent + 1));
      } else if (keyOf(rest) !== undefined) {
        // "- key: value" opens a mapping whose other keys sit at the indentation of "key".
        const inner = indent + (l.text.length - rest.length);
        this.lines[this.i] = { no: l.no, indent: inner, text: rest };
        out.push(this.mapping(inner));
      } else {
        this.i++;
        out.push(scalarOrFlow(rest, l.no));
      }
      l = this.lines[this.i];
    }
    return out;
  }

  private mapping(indent: number): { [k: string]: Yaml } {
    const out: { [k: string]: Yaml } = {};
    for (let l = this.lines[this.i]; l && l.indent === indent; l = this.lines[this.i]) {
      const key = keyOf(l.text);
      if (key === undefined) fail(l.no, `expected "key: value", got ${JSON.stringify(l.text)}`);
      if (Object.hasOwn(out, key.name)) fail(l.no, `duplicate key ${key.name}`);
      this.i++;
      if (key.rest !== '') out[key.name] = scalarOrFlow(key.rest, l.no);
      else {
        const next = this.lines[this.i];
        // A sequence may sit at the same indentation as its key (common in Kubernetes files).
        const nested = next && (next.indent > indent || (next.indent === indent && next.text.startsWith('- ')));
        out[key.name] = nested ? this.block(next.indent) : null;
      }
    }
    const l = this.lines[this.i];
    if (l && l.indent > indent) fail(l.no, 'unexpected indentation');
    return out;
  }
}

function keyOf(text: string): { name: string; rest: string } | undefined {
  const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\s"'#:[\]{},&*!|>][^:]*?)\s*:(?:\s+(.*)|$)/.exec(text);
  if (!m) return undefined;
  return { name: String(scalar(m[1]!, 0)), rest: (m[2] ?? '').trim() };
}

function scalarOrFlow(text: string, no: number): Yaml {
  if (text.startsWith('[')) {
    if (!text.endsWith(']')) fail(no, 'flow sequence must end on its line');
    const body = text.slice(1, -1).trim();
    if (body === '') return [];
    const parts = splitFlow(body, no).map((part) => part.trim());
    if (parts[parts.length - 1] === '') parts.pop(); // a trailing comma
    return parts.map((part) => scalar(part, no));
  }
  if (text === '{}') return {};
  if (/^[{&*!|>]/.test(text)) fail(no, `unsupported YAML construct: ${text}`);
  return scalar(text, no);
}

function splitFlow(body: string, no: number): string[] {
  const parts: string[] = [];
  let cur = '';
  let quote: string | undefined;
  for (const c of body) {
    if (quote) {
      cur += c;
      if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
      cur += c;
    } else if (c === ',') {
      parts.push(cur);
      cur = '';
    } else if (c === '[' || c === '{') fail(no, 'nested flow collections');
    else cur += c;
  }
  parts.push(cur);
  return parts;
}

function scalar(text: string, no: number): Yaml {
  if (text.startsWith('"')) {
    if (!text.endsWith('"') || text.length < 2) fail(no, 'unterminated string');
    return JSON.parse(text) as string;
  }
  if (text.startsWith("'")) {
    if (!text.endsWith("'") || text.length < 2) fail(no, 'unterminated string');
    return text.slice(1, -1).replaceAll("''", "'");
  }
  if (text === 'true' || text === 'false') return text === 'true';
  if (text === 'null' || text === '~') return null;
  if (/^-?\d+$/.test(text)) return Number(text);
  return text;
}
