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
];

/** Whether a key names a value that must not be printed. */
export function isSecretKey(key: string): boolean {
  const squashed = key.toLowerCase().replace(/[-_.\s]/g, '');
  return SECRET_WORDS.some((word) => squashed.includes(word));
}

/** Whether any key of a path names a secret. */
export function isSecretPath(path: readonly (string | number)[]): boolean {
  return path.some((key) => typeof key === 'string' && isSecretKey(key));
}

/** A JSON value with every value under a secret-looking key replaced by `(hidden)`, for whole-object output. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isSecretKey(k) ? '(hidden)' : maskSecrets(v)]));
  }
  return value;
}
