/**
 * Reads an environment file's default export once, right after it loads,
 * into plain frozen data, which validation and rendering then read and
 * nothing else does. An environment file's objects are never read again: a
 * getter, a Proxy or a later mutation (a timer, another file) cannot make
 * validation and rendering see different things.
 *
 * - Only own enumerable string keys are read (`Object.keys`): nothing
 *   inherited, so a property defined on `Object.prototype` cannot add a field.
 * - Outside `values`, an `undefined` field counts as absent (an optional field
 *   left out). Inside `values`, `undefined` is kept, for validation to refuse:
 *   dropping it would silently deploy the chart's default.
 * - Strings and keys that are not well-formed UTF-16 (a lone surrogate, e.g.
 *   from cutting an emoji in two) are problems wherever they are: YAML
 *   parsers, go-yaml among them, reject the whole file.
 * - What is not plain data (functions, symbols, BigInts, class instances,
 *   cycles, array holes) is kept as it is, for validation to name.
 * - Size is bounded while reading, before any walk: an array longer than any
 *   values within the size limit could be, or values whose JSON would be
 *   over the limit (a shared subtree repeated), stop the copy at once.
 *
 * A getter or Proxy trap that throws is a problem naming the field.
 */
import { fieldPath, type Problem } from '../problems';

/** The most bytes one release's values may take as JSON (Helm keeps them in a 1 MiB release Secret too). */
export const MAX_VALUES_BYTES = 512 * 1024;

/** The deepest nesting allowed in values. */
export const MAX_VALUES_DEPTH = 64;

/** The most releases an environment may have. */
export const MAX_RELEASES = 1000;

/**
 * When reading stops for size: a lower bound of the values' JSON size well
 * over the limit (values just over it are read whole, and validation says
 * their exact size).
 */
const STOP_READING_BYTES = 4 * MAX_VALUES_BYTES;

/** How deep the copy goes; validation names anything deeper in values (`MAX_VALUES_DEPTH`). */
const MAX_COPY_DEPTH = MAX_VALUES_DEPTH + 8;

/** Why copying stopped early: a problem that makes the rest meaningless. */
class Stop extends Error {
  public constructor(public readonly problem: Omit<Problem, 'file'>) {
    super(problem.message);
  }
}

interface Budget {
  /** A lower bound of the JSON size of the values being copied, or undefined outside values. */
  bytes: number;
  /** Where the values being copied start, for the size message. */
  at: string;
}

/** What stands in for something that is not plain data (already reported): an empty frozen object, never the file's own. */
const NOT_PLAIN: object = Object.freeze({});

/**
 * Frozen JSON data the loader made (a `.json` module, shared by every file of
 * a thread that imports it), each object in it checked once to be what a copy
 * would give: plain, well-formed, within the copy's depth. Outside `values`
 * (no size budget to count) such an object is taken as it is instead of
 * copied again for each environment file (a chart's schema: `imported.schema`).
 */
const PLAIN_DATA = new WeakSet<object>();

/** Records frozen JSON data as plain (see PLAIN_DATA) when every string and key in it is well-formed and it nests within the copy's depth. */
export function markPlainData(data: unknown): void {
  const objects: object[] = [];
  const check = (value: unknown, depth: number): boolean => {
    if (typeof value === 'string') return isWellFormed(value);
    if (value === null || typeof value !== 'object') return true;
    // Within values' depth: a shared object sits a few levels into a definition, still within the copy's depth.
    if (depth > MAX_VALUES_DEPTH || !Object.isFrozen(value)) return false;
    objects.push(value);
    if (Array.isArray(value)) return value.every((v) => check(v, depth + 1));
    return Object.entries(value).every(([k, v]) => isWellFormed(k) && check(v, depth + 1));
  };
  if (check(data, 0)) for (const o of objects) PLAIN_DATA.add(o);
}

/** Reads a definition into plain frozen data; returns it with the problems found while reading. */
export function normalizeDefinition(exported: unknown, file: string): { definition: unknown; problems: Problem[] } {
  const problems: Problem[] = [];
  const add = (at: Path | undefined, message: string, fix: string) => problems.push({ file, field: shown(at), message, fix });
  try {
    const definition = copy(exported, undefined, 0, new Map(), undefined, add, Role.Root);
    return { definition, problems };
  } catch (err) {
    if (err instanceof Stop) return { definition: undefined, problems: [...problems, { file, ...err.problem }] };
    throw err;
  }
}

/** Where a value is: built as the copy goes, turned into text only for a problem. */
interface Path {
  readonly parent: Path | undefined;
  readonly key: string | number;
}

/** A path as problems show it: `releases[0].values["a.b"]`, or `(default export)` for the root. */
function shown(at: Path | undefined): string {
  if (at === undefined) return '(default export)';
  const parts: (string | number)[] = [];
  for (let p: Path | undefined = at; p !== undefined; p = p.parent) parts.unshift(p.key);
  return parts.reduce<string>((text, key) => fieldPath(text, key), '');
}

/** What a value is to the definition: where `values` start is known by position, not by a path's text. */
const enum Role {
  Other,
  Root,
  Releases,
  Release,
}

type Add = (at: Path | undefined, message: string, fix: string) => void;

const SURROGATE = 'contains an unpaired UTF-16 surrogate, which YAML cannot hold';

function copy(value: unknown, at: Path | undefined, depth: number, ancestors: Map<object, unknown>, budget: Budget | undefined, add: Add, role: Role): unknown {
  switch (typeof value) {
    case 'string':
      if (!isWellFormed(value)) {
        add(at, SURROGATE, "Remove the broken character. It is half of one (e.g. an emoji cut in two): cut text by whole characters, e.g. Array.from(text).slice(0, 63).join('').");
      }
      spend(budget, value.length + 2);
      return value;
    case 'number':
    case 'boolean':
      spend(budget, 4);
      return value;
    case 'object':
      if (value === null) {
        spend(budget, 4);
        return value;
      }
      break;
    default:
      // undefined, functions, symbols and BigInts stay as they are, for validation to name.
      return value;
  }
  const object = value as object;
  if (budget === undefined && PLAIN_DATA.has(object)) return object;
  const seen = ancestors.get(object);
  if (seen !== undefined) return seen; // a cycle, kept as one (validation refuses it)
  if (depth > MAX_COPY_DEPTH) return NOT_PLAIN; // validation refuses the nesting before it gets this deep
  let isArray: boolean;
  let proto: unknown;
  try {
    isArray = Array.isArray(object);
    proto = isArray ? undefined : Object.getPrototypeOf(object);
  } catch (err) {
    throw readFailed(err, at);
  }
  if (isArray) return copyArray(object as readonly unknown[], at, depth, ancestors, budget, add, role);
  if (proto !== Object.prototype && proto !== null) {
    // A Date, Map, class instance...: named now, and never handed on (its getters would run again, outside the guard).
    let kind = 'non-plain';
    try {
      const name = (proto as { constructor?: { name?: unknown } } | null)?.constructor?.name;
      if (typeof name === 'string' && name !== '') kind = name;
    } catch {
      // A constructor or name that throws: say "non-plain".
    }
    add(at, `is a ${kind} object, not plain data`, kind === 'Date' ? 'Use a string, e.g. date.toISOString().' : 'Use a plain object literal ({ ... }) with JSON data.');
    return NOT_PLAIN;
  }
  const out: Record<string, unknown> = {};
  ancestors.set(object, out);
  let keys: string[];
  try {
    keys = Object.keys(object);
  } catch (err) {
    throw readFailed(err, at);
  }
  spend(budget, 2);
  for (const key of keys) {
    const child: Path = { parent: at, key };
    if (!isWellFormed(key)) add(child, SURROGATE, 'Remove the broken character. It is half of one (e.g. an emoji cut in two).');
    const entering = role === Role.Release && key === 'values' ? { bytes: 0, at: shown(child) } : budget;
    let item: unknown;
    try {
      item = (object as Record<string, unknown>)[key];
    } catch (err) {
      throw readFailed(err, child);
    }
    if (item === undefined && entering === undefined) continue; // an optional field left out
    spend(entering, key.length + 4);
    out[key] = copy(item, child, depth + 1, ancestors, entering, add, role === Role.Root && key === 'releases' ? Role.Releases : Role.Other);
  }
  ancestors.delete(object);
  return Object.freeze(out);
}

function copyArray(array: readonly unknown[], at: Path | undefined, depth: number, ancestors: Map<object, unknown>, budget: Budget | undefined, add: Add, role: Role): unknown {
  let length: number;
  try {
    length = array.length;
  } catch (err) {
    throw readFailed(err, at);
  }
  // Each element takes at least two bytes of JSON ("0,"): no longer array fits in values within the limit.
  const most = role === Role.Releases ? MAX_RELEASES : STOP_READING_BYTES / 2;
  if (length > most) {
    throw new Stop(
      role === Role.Releases
        ? { field: shown(at), message: `has ${length} releases, over the limit of ${MAX_RELEASES}`, fix: 'Split the environment into several files.' }
        : { field: shown(at), message: `has ${length} elements, more than values within ${MAX_VALUES_BYTES / 1024} KiB as JSON can hold`, fix: 'Keep large data out of the HelmRelease: put it in the chart, or in a ConfigMap or Secret referenced with valuesFrom.' },
    );
  }
  const out: unknown[] = new Array(length);
  ancestors.set(array, out);
  spend(budget, 2);
  for (let i = 0; i < length; i++) {
    const child: Path = { parent: at, key: i };
    let item: unknown;
    try {
      // A hole stays a hole, for validation to name.
      if (!Object.prototype.hasOwnProperty.call(array, i)) continue;
      item = array[i];
    } catch (err) {
      throw readFailed(err, child);
    }
    out[i] = copy(item, child, depth + 1, ancestors, budget, add, role === Role.Releases ? Role.Release : Role.Other);
  }
  ancestors.delete(array);
  return Object.freeze(out);
}

function spend(budget: Budget | undefined, bytes: number): void {
  if (budget === undefined) return;
  budget.bytes += bytes;
  if (budget.bytes > STOP_READING_BYTES) {
    throw new Stop({
      field: budget.at,
      message: `are over ${MAX_VALUES_BYTES} bytes (512 KiB) as JSON`,
      fix: 'Keep large data out of the HelmRelease: put it in the chart, or in a ConfigMap or Secret referenced with valuesFrom.',
    });
  }
}

/** A getter or Proxy trap of the environment file's data threw: a problem naming the field. */
function readFailed(err: unknown, at: Path | undefined): Stop {
  return new Stop({ field: shown(at), message: `reading it threw: ${describeThrown(err)}`, fix: 'Make the definition plain data: no getters or Proxies that throw.' });
}

/** What was thrown, in one line, whatever it is (an Error, a string, an object without prototype, a Proxy...). */
export function describeThrown(err: unknown): string {
  try {
    if (err instanceof Error) return `${err.name}: ${String(err.message).split('\n')[0]}`;
    if (typeof err === 'string') return err.split('\n')[0];
    return String(err);
  } catch {
    return 'a value that cannot be shown';
  }
}

function isWellFormed(text: string): boolean {
  return (text as string & { isWellFormed(): boolean }).isWellFormed();
}
