/**
 * What `diff` and `check` never print: a value under a secret-looking key
 * (the rule of `definition/secret-keys.ts`, shared with validation) shows as
 * `(set)`, `(changed)` or `(removed)` in every format. Also masked: a key
 * read together with the next one (`api` then `key`), the `value` of a
 * name/value pair whose name is secret-looking (`{ name: DB_PASSWORD, value }`,
 * as in container env lists), a Kubernetes Secret's `data` and
 * `stringData` (also of a Secret inside a `kind: List`), the
 * `kubectl.kubernetes.io/last-applied-configuration` annotation (a copy of
 * the whole object), an HTTP authorization value (`Bearer ...`), and the
 * password of a URL (`https://user:(hidden)@host`). A path a release
 * declares not secret (`notSecret`, written to its NOT_SECRET_ANNOTATION) is shown.
 */
import { hideUrlPasswords, isSecretKey, isSecretKeyPair, isSecretValue, NOT_SECRET_ANNOTATION, urlHasPassword } from '../definition/secret-keys';
import { fieldPath } from '../problems';

/** How one object's fields are masked. */
export interface Masking {
  /** Where Kubernetes Secrets are in the object (`[]`: the object itself; `['items', 0]`: in a List): their `data` and `stringData` are secret whole. */
  readonly secretObjects: readonly (readonly (string | number)[])[];
  /** Paths from the object's root (as `pathText`) declared not secret. */
  readonly shown: ReadonlySet<string>;
}

/** The masking of an object, from its kind and annotation. */
export function maskingOf(...versions: unknown[]): Masking {
  const shown = new Set<string>();
  const secretObjects: (string | number)[][] = [];
  for (const data of versions) {
    if (data === null || typeof data !== 'object') continue;
    const object = data as { kind?: unknown; items?: unknown; metadata?: { annotations?: Record<string, unknown> } };
    if (object.kind === 'Secret') secretObjects.push([]);
    // A List (or any object with items) carries whole objects: a Secret among them is one.
    if (Array.isArray(object.items)) object.items.forEach((item, i) => (item as { kind?: unknown } | null)?.kind === 'Secret' && secretObjects.push(['items', i]));
    const declared = object.metadata?.annotations?.[NOT_SECRET_ANNOTATION];
    if (typeof declared !== 'string') continue;
    try {
      const paths: unknown = JSON.parse(declared);
      if (Array.isArray(paths)) for (const p of paths) if (typeof p === 'string') shown.add(p.startsWith('[') ? `spec.values${p}` : `spec.values.${p}`);
    } catch {
      // Not a list: nothing is shown.
    }
  }
  return { secretObjects, shown };
}

const NO_MASKING: Masking = { secretObjects: [], shown: new Set() };

/** An annotation kubectl writes with a copy of the whole object as applied (a Secret's data included). */
const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** Whether a path (from the object's root) holds a secret: a secret-looking key on it, or two neighbouring keys read together. */
export function isSecretPath(path: readonly (string | number)[], masking: Masking = NO_MASKING): boolean {
  for (const at of masking.secretObjects) {
    const field = path[at.length];
    if ((field === 'data' || field === 'stringData') && at.every((step, i) => path[i] === step)) return true;
  }
  const annotation = path.length >= 3 && path[path.length - 3] === 'metadata' && path[path.length - 2] === 'annotations' ? path[path.length - 1] : undefined;
  if (annotation === LAST_APPLIED) return true;
  let text = '';
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    text = fieldPath(text, key);
    if (typeof key !== 'string' || masking.shown.has(text)) continue;
    if (isSecretKey(key)) return true;
    const next = path[i + 1];
    if (typeof next === 'string' && isSecretKeyPair(key, next) && !masking.shown.has(fieldPath(text, next))) return true;
  }
  return false;
}

/** Whether a mapping is a name/value pair naming a secret (`{ name: DB_PASSWORD, value: ... }`): its `value` is masked too. */
export function isSecretPair(mapping: Record<string, unknown>): boolean {
  const name = mapping.name ?? mapping.key;
  return typeof name === 'string' && isSecretKey(name);
}

/**
 * A JSON value with every secret in it replaced by `(hidden)`. `path` is
 * where the value sits in its object; without `masking`, the value is a
 * whole object and its own kind and annotation decide.
 */
export function maskSecrets(value: unknown, path: (string | number)[] = [], masking: Masking = maskingOf(value)): unknown {
  if (Array.isArray(value)) return value.map((v, i) => maskSecrets(v, [...path, i], masking));
  if (value !== null && typeof value === 'object') {
    const mapping = value as Record<string, unknown>;
    const pair = isSecretPair(mapping);
    return Object.fromEntries(
      Object.entries(mapping).map(([k, v]) => {
        const at = [...path, k];
        return [k, isSecretPath(at, masking) || (pair && (k === 'value' || k === 'valueFrom')) ? '(hidden)' : maskSecrets(v, at, masking)];
      }),
    );
  }
  return typeof value === 'string' ? maskValue(value) : value;
}

/** A string as review output shows it: an authorization hidden, a URL's password hidden, anything else as it is. */
export function maskValue(value: string): string {
  if (!isSecretValue(value)) return value;
  return urlHasPassword(value) ? hideUrlPasswords(value) : '(hidden)';
}
