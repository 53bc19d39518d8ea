/**
 * A YAML emitter for Kubernetes manifests that YAML 1.1 (go-yaml v2, which
 * Flux v1 and the Helm operator use) and YAML 1.2 parsers read back as the
 * exact same data.
 *
 * Why not the `yaml` package: its default output leaves strings such as `on`,
 * `yes`, `0777` or `2020-05-24` plain, which YAML 1.1 reads as booleans,
 * numbers and timestamps. Here a string is written plain only when it cannot
 * be read as anything but that string, in either YAML version; every other
 * string is double-quoted (or, when it spans several lines, written as a
 * literal block). Lines are never folded.
 *
 * Key order is the caller's (see `keyOrder` in `render.ts`): a function given
 * each mapping's keys and its path (`spec.chart`, `spec.values.list[]`), since
 * a JavaScript object always lists integer-like keys first.
 */

import { compareCodePoints } from '../order';

/** A JSON value, the only input this emitter accepts. */
export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** Words YAML 1.1 or 1.2 resolve to booleans or null, compared case-insensitively. */
const RESERVED_WORDS = new Set(['y', 'n', 'yes', 'no', 'true', 'false', 'on', 'off', 'null', '~']);

// A plain scalar starts with a letter, `_`, `/` or `$` (never a digit, sign, dot or
// YAML indicator, so it can never be read as a number, timestamp, `.inf` or `<<`)
// and goes on with characters that have no meaning inside a plain scalar.
const PLAIN = /^[A-Za-z_/$][A-Za-z0-9_./@:*+=$%^&()~-]*(?: [A-Za-z0-9_./@:*+=$%^&()~-]+)*$/;

/** Whether `text` can be written without quotes and still be read as this string. */
export function isPlainSafe(text: string): boolean {
  return (
    PLAIN.test(text) &&
    !RESERVED_WORDS.has(text.toLowerCase()) &&
    !text.endsWith(':') &&
    !text.includes(': ')
  );
}

/** Characters go-yaml v2 accepts as they are; every other one is escaped. */
function isPrintable(code: number): boolean {
  return (
    (code >= 0x20 && code <= 0x7e) ||
    (code >= 0xa0 && code <= 0xd7ff && code !== 0x2028 && code !== 0x2029) ||
    (code >= 0xe000 && code <= 0xfffd && code !== 0xfeff) ||
    code >= 0x10000
  );
}

/** A double-quoted YAML scalar: valid JSON string syntax limited to escapes go-yaml v2 knows. */
export function quote(text: string): string {
  let out = '"';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (!isPrintable(code)) {
      out += '\\u' + code.toString(16).toUpperCase().padStart(4, '0');
    } else out += ch;
  }
  return out + '"';
}

/**
 * Whether a multi-line string can be a literal block (`|`) that reads back
 * byte for byte: no carriage returns, tabs or other control characters, no
 * trailing spaces (editors strip them), a first line that does not start with
 * a space (it would set the indentation), and at most one final newline.
 */
function isLiteralSafe(text: string): boolean {
  if (!text.includes('\n') || text.endsWith('\n\n') || text === '\n') return false;
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code !== 0x0a && !isPrintable(code)) return false;
  }
  const lines = (text.endsWith('\n') ? text.slice(0, -1) : text).split('\n');
  if (lines[0] === '' || lines[0].startsWith(' ')) return false;
  return lines.every((line) => !line.endsWith(' '));
}

/** A scalar as it appears after `key: ` or `- `. `indent` is where block lines start. */
function scalar(value: null | boolean | number | string, indent: string): string {
  if (value === null) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new Error(`cannot write ${value} as YAML: only finite numbers are data`);
    return Object.is(value, -0) ? '0' : String(value);
  }
  if (isPlainSafe(value)) return value;
  if (isLiteralSafe(value)) {
    const chomp = value.endsWith('\n') ? '' : '-';
    const body = (chomp ? value : value.slice(0, -1)).split('\n');
    return `|${chomp}\n` + body.map((line) => (line === '' ? '' : indent + line)).join('\n');
  }
  return quote(value);
}

/** A mapping key as written: plain when safe, else double-quoted (never a block). */
export function key(text: string): string {
  return isPlainSafe(text) ? text : quote(text);
}

function isEmptyCollection(value: JsonValue): boolean {
  return value !== null && typeof value === 'object' && (Array.isArray(value) ? value.length === 0 : Object.keys(value).length === 0);
}

/** Orders a mapping's keys; `at` is the mapping's path, e.g. `spec.chart` or `items[]`. */
export type KeyOrder = (keys: string[], at: string) => readonly string[];

const insertionOrder: KeyOrder = (keys) => keys;

/**
 * A key order from tables by mapping path: the `head` keys first, in their
 * order, then the others sorted by code point, then the `tail` keys.
 */
export function keyOrderOf(head: Readonly<Record<string, readonly string[]>>, tail: Readonly<Record<string, readonly string[]>>): KeyOrder {
  return (keys, at) => {
    const first = Object.prototype.hasOwnProperty.call(head, at) ? head[at] : [];
    const last = Object.prototype.hasOwnProperty.call(tail, at) ? tail[at] : [];
    const rest = keys.filter((k) => !first.includes(k) && !last.includes(k)).sort(compareCodePoints);
    return [...first, ...rest, ...last].filter((k) => keys.includes(k));
  };
}

/**
 * A line comment for the scalar entry at a path (`spec.values.image.tag`),
 * e.g. Flux v2's image policy markers. Such a value is written on one line
 * (quoted rather than a block), so the comment stays on its line.
 */
export type LineComments = (at: string) => string | undefined;

const noComments: LineComments = () => undefined;

interface Emit {
  readonly lines: string[];
  readonly order: KeyOrder;
  readonly comments: LineComments;
}

function emitNode(value: JsonValue, indent: string, out: Emit, at: string): void {
  if (Array.isArray(value)) {
    for (const item of value) emitItem(item, indent, out, `${at}[]`);
  } else if (value !== null && typeof value === 'object') {
    for (const k of out.order(Object.keys(value), at)) emitEntry(k, value[k], indent, out, at === '' ? k : `${at}.${k}`);
  } else {
    throw new Error('a document must be a mapping or a sequence');
  }
}

function emitEntry(k: string, value: JsonValue, indent: string, out: Emit, at: string): void {
  const head = indent + key(k) + ':';
  if (value !== null && typeof value === 'object') {
    if (isEmptyCollection(value)) {
      out.lines.push(head + (Array.isArray(value) ? ' []' : ' {}'));
    } else {
      out.lines.push(head);
      emitNode(value, indent + '  ', out, at);
    }
    return;
  }
  const comment = out.comments(at);
  if (comment === undefined) out.lines.push(head + ' ' + scalar(value, indent + '  '));
  else out.lines.push(`${head} ${typeof value === 'string' && !isPlainSafe(value) ? quote(value) : scalar(value, indent + '  ')} # ${comment}`);
}

function emitItem(value: JsonValue, indent: string, out: Emit, at: string): void {
  if (value !== null && typeof value === 'object' && !isEmptyCollection(value)) {
    // Emit the nested collection one level deeper, then put its first line on the dash.
    const start = out.lines.length;
    emitNode(value, indent + '  ', out, at);
    out.lines[start] = indent + '- ' + out.lines[start].slice(indent.length + 2);
  } else if (value !== null && typeof value === 'object') {
    out.lines.push(indent + '- ' + (Array.isArray(value) ? '[]' : '{}'));
  } else {
    out.lines.push(indent + '- ' + scalar(value, indent + '  '));
  }
}

/**
 * One YAML document (without the `---` marker) for a mapping or sequence,
 * ending with a newline; keys in `order`'s order (default: the object's own),
 * with `comments` at the end of scalar entries' lines.
 */
export function toYamlDocument(value: JsonValue, order: KeyOrder = insertionOrder, comments: LineComments = noComments): string {
  if (isEmptyCollection(value)) return (Array.isArray(value) ? '[]' : '{}') + '\n';
  const out: Emit = { lines: [], order, comments };
  emitNode(value, '', out, '');
  return out.lines.join('\n') + '\n';
}
