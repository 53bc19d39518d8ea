/**
 * Keys whose values `diff` and `check` never print: a value anywhere under
 * such a key shows as `(set)`, `(changed)` or `(removed)` in every format.
 *
 * A key is secret-looking when, compared case-insensitively with `-`, `_`
 * and `.` removed, it contains one of SECRET_WORDS (so `password`,
 * `adminPassword`, `db_password`, `apiKey`, `api-key`, `privateKey`,
 * `clientSecret`, `authToken`, `credentials`, `tls.key`, ...).
 */
export const SECRET_WORDS: readonly string[] = [
  'password',
  'passwd',
  'passphrase',
  'secret',
  'token',
  'apikey',
  'accesskey',
  'privatekey',
  'credential',
  'auth',
  'cookie',
  'sessionkey',
  'signingkey',
  'encryptionkey',
  'tlskey',
  'sshkey',
  'certkey',
  'dsn',
  'connectionstring',
  'pwd',
];

/** Whether a key names a value that must not be printed (also `pass` as a word of its own). */
export function isSecretKey(key: string): boolean {
  const squashed = key.toLowerCase().replace(/[-_.\s]/g, '');
  return SECRET_WORDS.some((word) => squashed.includes(word)) || /(^|[^a-z])pass([^a-z]|$)/i.test(key) || squashed === 'pass';
}

/** Whether a path names a secret: any key, or two neighbouring keys read together (`tls` then `key` is `tlskey`). */
export function isSecretPath(path: readonly (string | number)[]): boolean {
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    if (typeof key !== 'string') continue;
    if (isSecretKey(key)) return true;
    const next = path[i + 1];
    if (typeof next === 'string' && isSecretKey(key + next)) return true;
  }
  return false;
}

/**
 * Whether a mapping is a name/value pair naming a secret (`{ name: DB_PASSWORD, value: ... }`,
 * as in container env lists): its `value` is then masked too.
 */
export function isSecretPair(mapping: Record<string, unknown>): boolean {
  const name = mapping.name ?? mapping.key;
  return typeof name === 'string' && isSecretKey(name);
}

/**
 * A JSON value with every value under a secret-looking key replaced by
 * `(hidden)`, for whole-object output; a Kubernetes Secret's `data` and
 * `stringData` are hidden whole, and so is the `value` of a secret-looking
 * name/value pair.
 */
export function maskSecrets(value: unknown, parent?: string): unknown {
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, parent));
  if (value !== null && typeof value === 'object') {
    const mapping = value as Record<string, unknown>;
    const secretKind = mapping.kind === 'Secret';
    const pair = isSecretPair(mapping);
    return Object.fromEntries(
      Object.entries(mapping).map(([k, v]) => [
        k,
        isSecretKey(k) || (parent !== undefined && isSecretKey(parent + k)) || (secretKind && (k === 'data' || k === 'stringData')) || (pair && (k === 'value' || k === 'valueFrom'))
          ? '(hidden)'
          : maskSecrets(v, k),
      ]),
    );
  }
  return value;
}
