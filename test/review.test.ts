/**
 * The review engine and its formats on hand-made versions of dist/: what a
 * reviewer must never see (secrets), what must never go unseen (a date), and
 * markdown that must not be injected into.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { NO_SETTINGS } from '../src/definition/settings';
import { review } from '../src/review/diff';
import { colors, formatJson, formatMarkdown, formatText } from '../src/review/format';
import { formatPatch } from '../src/review/unified';
import { fluxV1Effects } from '../src/targets/flux-v1/effects';

const doc = (kind: string, name: string, body: string) => `---\napiVersion: v1\nkind: ${kind}\nmetadata:\n  name: ${name}\n  namespace: develop\n${body}`;
const compare = (before: string, after: string) => {
  const files = { before: new Map([['releases/dev.yaml', before]]), after: new Map([['releases/dev.yaml', after]]) };
  return Object.assign(review(files.before, files.after, fluxV1Effects(NO_SETTINGS)), { files });
};
const all = (r: ReturnType<typeof compare>) =>
  [formatText(r, 'dist', 'x', false), formatMarkdown(r, 'dist', 'x'), formatJson(r, 'dist', 'x'), formatPatch(r.files.before, r.files.after, 'dist', colors(false))].join('\n');

describe('review', () => {
  it('never shows a value, or a key, under a secret-looking key, a split one, a secret name/value pair or a Secret', () => {
    const before = doc('HelmRelease', 'web', 'spec:\n  values:\n    credentials:\n      AKIAOLDKEY: a\n    tls:\n      key: OLD-PEM\n    env:\n      - name: DB_PASSWORD\n        value: oldpw\n') + doc('Secret', 's', 'stringData:\n  url: postgres://admin:OLDPW@db\n');
    const after = doc('HelmRelease', 'web', 'spec:\n  values:\n    credentials:\n      AKIANEWKEY: b\n    tls:\n      key: NEW-PEM\n    env:\n      - name: DB_PASSWORD\n        value: newpw\n') + doc('Secret', 's', 'stringData:\n  url: postgres://admin:NEWPW@db\n');
    const r = compare(before, after);
    const text = all(r);
    for (const secret of ['AKIA', 'PEM', 'oldpw', 'newpw', 'OLDPW', 'NEWPW']) assert.ok(!text.includes(secret), `${secret} in:\n${text}`);
    const fields = r.changes.flatMap((c) => c.fields.map((f) => [f.path.join('.'), f.masked]));
    assert.deepEqual(fields.sort(), [
      ['spec.values.credentials', 'changed'],
      ['spec.values.env.0.value', 'changed'],
      ['spec.values.tls.key', 'changed'],
      ['stringData', 'changed'],
    ]);
  });

  it('shows exactly the paths a HelmRelease declares not secret (its annotation), and masks the rest', () => {
    const meta = (paths: string) => `  annotations:\n    helmflux.dev/not-secret-paths: '${paths}'\n`;
    const release = (annotation: string, a: string, b: string) =>
      `---\napiVersion: helm.fluxcd.io/v1\nkind: HelmRelease\nmetadata:\n  name: web\n  namespace: develop\n${annotation}spec:\n  values:\n    auth:\n      secret: ${a}\n    other:\n      secret: ${b}\n`;
    const shown = compare(release(meta('["auth.secret"]'), 'name-old', 'OLD-B'), release(meta('["auth.secret"]'), 'name-new', 'NEW-B'));
    const text = all(shown);
    assert.ok(text.includes('name-new') && text.includes('name-old'), text);
    assert.ok(!text.includes('OLD-B') && !text.includes('NEW-B'), text);
    // Without the annotation both are masked.
    const masked = all(compare(release('', 'name-old', 'OLD-B'), release('', 'name-new', 'NEW-B')));
    assert.ok(!masked.includes('name-'), masked);
  });

  it('sees a change between two dates (YAML 1.1 timestamps)', () => {
    const r = compare(doc('HelmRelease', 'web', 'spec:\n  values:\n    at: 2024-01-01\n'), doc('HelmRelease', 'web', 'spec:\n  values:\n    at: 2025-06-30\n'));
    assert.equal(r.changes.length, 1);
    assert.deepEqual(r.changes[0].fields.map((f) => f.path.join('.')), ['spec.values.at']);
  });

  it('leaves a file with a broken document out of the matching instead of reporting its objects removed', () => {
    const good = doc('HelmRelease', 'a', 'spec: {}\n') + doc('HelmRelease', 'b', 'spec: {}\n');
    const r = compare(good, doc('HelmRelease', 'a', 'spec: {}\n') + '---\nkind: [broken\n');
    assert.deepEqual(r.changes, []);
    assert.equal(r.unreadable.length, 1);
  });

  it('escapes markdown and HTML in values, names and paths', () => {
    const r = compare(doc('HelmRelease', 'web', 'spec:\n  values:\n    motd: old\n'), doc('HelmRelease', 'web', 'spec:\n  values:\n    motd: "x` @octocat [link](https://evil) </details> | *b*"\n'));
    const markdown = formatMarkdown(r, 'dist', 'x');
    assert.ok(!markdown.includes('@octocat'), 'no mention');
    assert.ok(!markdown.includes('[link]'), 'no link');
    assert.ok(!markdown.includes('</details> |'), 'no HTML or cell break');
    assert.ok(markdown.includes('<code>"x&#96; @\u200boctocat &#91;link&#93;(https&#58;//evil) &#60;/details&#62; &#124; &#42;b&#42;"</code>'), markdown);
  });
});
