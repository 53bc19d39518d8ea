/**
 * The same environments give byte-identical files whatever the time zone,
 * locale, working directory or order the file system lists files in.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { environmentSource, runCli, seedEnvironments, snapshotTree, tempDir, tempProject, withSeedShared } from './helpers';

/** The seed environments plus one whose values sort and quote differently by locale. */
function environments(): Record<string, string> {
  const files: Record<string, string> = seedEnvironments();
  files['zz-locale.ts'] = environmentSource({
    namespace: { name: 'locale', labels: { 'b.example.com/i': 'I', 'a.example.com/i': 'x' } },
    releases: [
      {
        name: 'web',
        chart: { repository: 'https://charts.example.com', name: 'web', version: '1.0.0' },
        values: { é: 1, Z: 2, a: 3, '10': 'ten', '9': 'nine', İstanbul: 'i', istanbul: 'I', date: '2020-05-24', time: '12:30', float: 0.1, big: 1e21 },
      },
    ],
  });
  return files;
}

function bytes(dir: string): [string, string][] {
  return [...snapshotTree(dir)].map(([p, f]) => [p, f.bytes]);
}

describe('determinism', () => {
  const project = withSeedShared(tempProject(environments()));
  const reference = tempDir();
  const first = runCli(['synth', '--no-cache', '--out', reference], { cwd: project.root, env: { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' } });
  assert.equal(first.status, 0, first.stderr);

  for (const [TZ, LANG] of [
    ['Pacific/Kiritimati', 'tr_TR.UTF-8'],
    ['America/St_Johns', 'de_DE.UTF-8'],
    ['Asia/Kathmandu', 'ja_JP.UTF-8'],
  ]) {
    it(`is byte-identical with TZ=${TZ} LANG=LC_ALL=${LANG}`, () => {
      const out = tempDir();
      const result = runCli(['synth', '--no-cache', '--out', out], { cwd: project.root, env: { TZ, LANG, LC_ALL: LANG } });
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(bytes(out), bytes(reference));
    });
  }

  it('is byte-identical from any working directory', () => {
    fs.mkdirSync(path.join(project.root, 'sub', 'deeper'), { recursive: true });
    // From a subfolder the project root (and so environments/ and dist/) is found upwards.
    const fromSub = runCli(['synth', '--no-cache'], { cwd: path.join(project.root, 'sub', 'deeper') });
    assert.equal(fromSub.status, 0, fromSub.stderr);
    assert.deepEqual(bytes(project.dist), bytes(reference));
    // From / with explicit absolute folders, the headers still name environments/<env>.ts.
    const out = tempDir();
    const fromRoot = runCli(['synth', '--no-cache', '--environments', project.environments, '--out', out], { cwd: '/' });
    assert.equal(fromRoot.status, 0, fromRoot.stderr);
    assert.deepEqual(bytes(out), bytes(reference));
  });

  it('is byte-identical whatever order the files were created in', () => {
    const files = Object.entries(environments());
    const reversed = withSeedShared(tempProject(Object.fromEntries([...files].reverse())));
    const shuffled = withSeedShared(tempProject(Object.fromEntries([files[2], files[4], files[0], files[3], files[1]])));
    for (const p of [reversed, shuffled]) {
      const result = runCli(['synth', '--no-cache'], { cwd: p.root });
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(bytes(p.dist), bytes(reference));
    }
  });

  it('writes the same bytes with the cache as without', () => {
    const out = tempDir();
    assert.equal(runCli(['synth', '--out', out], { cwd: project.root }).status, 0);
    assert.equal(runCli(['synth', '--out', out], { cwd: project.root }).status, 0);
    assert.deepEqual(bytes(out), bytes(reference));
  });
});
