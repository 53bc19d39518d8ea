/**
 * Which keys name a credential: one rule for validation (a literal string
 * under such a key is refused: credentials come from `valuesFrom` and
 * `secretKeyRef`) and for `diff` and `check` (a value under such a key is
 * never printed).
 *
 * A key is split into words at camelCase boundaries and at `-`, `_`, `.`,
 * `/` and spaces (`dbPassword` → db, password; `API_KEY` → api, key;
 * `tls.key` → tls, key). It is secret-looking when its last word is one of
 * SECRET_LAST_WORDS, or is `key` right after one of KEY_QUALIFIERS
 * (`apiKey`, `private-key`, `accessKey`, `secret_key`, and `tls.key` or
 * `sshKey`, which hold private keys too); never when its first
 * word is `existing` (`existingSecret` names a Secret, it is not one). Names
 * of references end in another word and do not match: `secretName`,
 * `secretRef`, `secretKeyRef`, `tokenTTL`, `passwordFile`, `keyName`.
 */

/** A key whose last word is one of these names a credential. */
export const SECRET_LAST_WORDS: readonly string[] = ['password', 'passwd', 'secret', 'token', 'credentials', 'apikey', 'privatekey', 'accesskey', 'secretkey'];

/** `key` after one of these words names a credential. */
export const KEY_QUALIFIERS: readonly string[] = ['api', 'private', 'access', 'secret', 'tls', 'ssh'];

/** A key whose first word is one of these names a reference to a credential, not one. */
export const REFERENCE_FIRST_WORDS: readonly string[] = ['existing'];

/** The words of a key, lowercase: `clientSecret` → client, secret; `HTTPToken` → http, token. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[-_./\s]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** Whether a key names a credential, by the rule above. */
export function isSecretKey(key: string): boolean {
  const words = keyWords(key);
  if (words.length === 0 || REFERENCE_FIRST_WORDS.includes(words[0])) return false;
  const last = words[words.length - 1];
  if (SECRET_LAST_WORDS.includes(last)) return true;
  return last === 'key' && words.length >= 2 && KEY_QUALIFIERS.includes(words[words.length - 2]);
}

/**
 * Whether a key of one word reads as a credential together with its parent's
 * key: `api` then `key`, `tls` then `key`, `db` then `password` (already one).
 */
export function isSecretKeyPair(parent: string, key: string): boolean {
  return keyWords(key).length === 1 && isSecretKey(`${parent}.${key}`);
}

/**
 * The annotation of a HelmRelease listing the paths under `spec.values` its
 * definition declares not secret (`notSecret`, a JSON list such as
 * `["auth.tokenName"]`), so that a review of the files alone shows them.
 */
export const NOT_SECRET_ANNOTATION = 'helmflux.dev/not-secret-paths';
