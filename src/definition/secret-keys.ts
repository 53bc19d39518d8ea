/**
 * Which keys and values are credentials: one rule for validation (a literal
 * string under such a key, or such a value, is refused: credentials come
 * from `valuesFrom` and `secretKeyRef`) and for `diff` and `check` (such a
 * value is never printed).
 *
 * A key is split into words at camelCase boundaries and at `-`, `_`, `.`,
 * `/` and spaces (`dbPassword` → db, password; `API_KEY` → api, key;
 * `tls.key` → tls, key). Trailing words that only number or encode the
 * credential are dropped (`db_password_2`, `privateKeyPem`, `tokenBase64`),
 * and so are digits ending the last word (`password1`). The key is
 * secret-looking when its last word then is, or ends with, a credential's
 * name (SECRET_WORDS, singular or plural: `secrets`, `smtpPasswords`,
 * `dbpassword`), is one of SECRET_LAST_WORDS (`pwd`, `pass`), or is `key`
 * right after one of KEY_QUALIFIERS (`apiKey`, `private-key`, `tls.key`,
 * `encryptionKey`); never when its first word is `existing`
 * (`existingSecret` names a Secret, it is not one), nor for `imagePullSecrets`
 * (names of Secrets). Names of references end
 * in another word and do not match: `secretName`, `secretRef`,
 * `secretKeyRef`, `tokenTTL`, `passwordFile`, `keyName`.
 *
 * A value is a credential when it is an HTTP authorization
 * (`Bearer ...`, `Basic ...`) or a URL holding a password
 * (`https://user:pass@host`).
 */

/** A key whose last word is, or ends with, one of these (or its plural) names a credential. */
export const SECRET_WORDS: readonly string[] = ['password', 'passwd', 'passphrase', 'secret', 'token', 'credential', 'credentials', 'apikey', 'privatekey', 'accesskey', 'secretkey'];

/** Short words that name a credential only as the whole last word (`smtpPass`, `dbPwd`; not `compass`). */
export const SECRET_LAST_WORDS: readonly string[] = ['pwd', 'pass', 'pw'];

/** `key` after one of these words names a credential. */
export const KEY_QUALIFIERS: readonly string[] = ['api', 'private', 'access', 'secret', 'tls', 'ssh', 'encryption', 'signing', 'hmac', 'jwt', 'session', 'cookie', 'master', 'license', 'client', 'shared'];

/** Trailing words that number or encode a credential rather than name another thing. */
const ENCODING_WORDS: readonly string[] = ['pem', 'der', 'b64', 'base64', 'encoded', 'hex', 'raw', 'plain', 'plaintext', 'hash', 'hashed', 'value', 'data', 'string', 'str'];

/** A key whose first word is one of these names a reference to a credential, not one. */
export const REFERENCE_FIRST_WORDS: readonly string[] = ['existing'];

/** Keys that hold names of Secrets, not credentials (words joined): Kubernetes' `imagePullSecrets` and its kin. */
export const REFERENCE_KEYS: readonly string[] = ['imagepullsecrets', 'imagepullsecret', 'pullsecrets', 'pullsecret'];

/** The words of a key, lowercase: `clientSecret` → client, secret; `HTTPToken` → http, token. */
export function keyWords(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[-_./\s]+/)
    .filter((w) => w.length > 0)
    .map((w) => w.toLowerCase());
}

/** Whether one word names a credential: is or ends with a credential's name, singular or plural. */
function isSecretWord(word: string): boolean {
  const singular = word.endsWith('s') && !word.endsWith('ss') ? word.slice(0, -1) : word;
  return [word, singular].some((w) => SECRET_WORDS.some((s) => w === s || (w.endsWith(s) && s.length >= 5)));
}

/** Keys already decided: the same few hundred keys recur in every environment's values. */
const decided = new Map<string, boolean>();

/** Whether a key names a credential, by the rule above. */
export function isSecretKey(key: string): boolean {
  let secret = decided.get(key);
  if (secret === undefined) {
    secret = decide(key);
    if (decided.size >= 10_000) decided.clear();
    decided.set(key, secret);
  }
  return secret;
}

function decide(key: string): boolean {
  const words = keyWords(key);
  if (words.length === 0 || REFERENCE_FIRST_WORDS.includes(words[0]) || REFERENCE_KEYS.includes(words.join(''))) return false;
  while (words.length > 1 && (ENCODING_WORDS.includes(words[words.length - 1]) || /^\d+$/.test(words[words.length - 1]))) words.pop();
  const last = words[words.length - 1].replace(/(?<=[a-z])\d+$/, '');
  if (isSecretWord(last) || SECRET_LAST_WORDS.includes(last)) return true;
  return (last === 'key' || last === 'keys') && words.length >= 2 && KEY_QUALIFIERS.includes(words[words.length - 2]);
}

/** A URL with a password in it: `scheme://user:password@host...`. */
const URL_WITH_PASSWORD = /([a-z][a-z0-9+.-]*:\/\/[^\s/@:]*:)([^\s/@]+)(@)/gi;

/** Whether a value is a credential whatever its key: an HTTP authorization, or a URL holding a password. */
export function isSecretValue(value: string): boolean {
  URL_WITH_PASSWORD.lastIndex = 0;
  return /^\s*(bearer|basic|token|digest)\s+\S{8,}/i.test(value) || URL_WITH_PASSWORD.test(value);
}

/** A value with the passwords of its URLs hidden (`https://user:(hidden)@host`), for review output. */
export function hideUrlPasswords(value: string): string {
  return value.replace(URL_WITH_PASSWORD, '$1(hidden)$3');
}

/** Whether a URL holds a password (a git or Helm repository URL must not: it would be committed). */
export function urlHasPassword(url: string): boolean {
  URL_WITH_PASSWORD.lastIndex = 0;
  return URL_WITH_PASSWORD.test(url);
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
