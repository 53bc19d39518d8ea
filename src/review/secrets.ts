/**
 * What `diff` and `check` never print: a value under a secret-looking key
 * (the rule of `definition/secret-keys.ts`, shared with validation) shows as
 * `(set)`, `(changed)` or `(removed)` in every format. Also masked: a key
 * read together with the next one (`api` then `key`), the `value` of a
 * name/value pair whose name is secret-looking (`{ name: DB_PASSWORD, value }`,
 * as in container env lists), and a Kubernetes Secret's `data` and
 * `stringData`. A path a release declares not secret (`notSecret`, written
 * to its NOT_SECRET_ANNOTATION) is shown.
 */
import { isSecretKey, isSecretKeyPair, NOT_SECRET_ANNOTATION } from '../definition/secret-keys';
import { fieldPath } from '../problems';

/** How one object's fields are masked. */
export interface Masking {
  /** A Kubernetes Secret: `data` and `stringData` are secret whole. */
  readonly secretObject: boolean;
  /** Paths from the object's root (as `pathText`) declared not secret. */
  readonly shown: ReadonlySet<string>;
}

/** The masking of an object, from its kind and annotation. */
export function maskingOf(...versions: unknown[]): Masking {
  const shown = new Set<string>();
  let secretObject = false;
  for (const data of versions) {
    if (data === null || typeof data !== 'object') continue;
    const object = data as { kind?: unknown; metadata?: { annotations?: Record<string, unknown> } };
    if (object.kind === 'Secret') secretObject = true;
    const declared = object.metadata?.annotations?.[NOT_SECRET_ANNOTATION];
    if (typeof declared !== 'string') continue;
    try {
      const paths: unknown = JSON.parse(declared);
      if (Array.isArray(paths)) for (const p of paths) if (typeof p === 'string') shown.add(p.startsWith('[') ? `spec.values${p}` : `spec.values.${p}`);
    } catch {
      // Not a list: nothing is shown.
    }
  }
  return { secretObject, shown };
}

const NO_MASKING: Masking = { secretObject: false, shown: new Set() };

/** Whether a path (from the object's root) holds a secret: a secret-looking key on it, or two neighbouring keys read together. */
export function isSecretPath(path: readonly (string | number)[], masking: Masking = NO_MASKING): boolean {
  if (masking.secretObject && (path[0] === 'data' || path[0] === 'stringData')) return true;
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
  return value;
}
