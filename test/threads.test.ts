import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { synth, validate } from '../src/commands/synth';
import { environmentSource, runCli, snapshotTree, tempDir, tempProject } from './helpers';

/** Enough environments for synth to split them across threads (250 per thread at least). */
function manyEnvironments(count: number): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 0; i < count; i++) {
    const name = `env-${String(i).padStart(4, '0')}`;
    files[`${name}.ts`] = environmentSource({
      namespace: { name },
      releases: [{ name: 'web', chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' }, values: { replicas: i % 7, host: `${name}.example.com` } }],
    });
  }
  return files;
}

describe('synthesis on several threads', () => {
  const project = tempProject(manyEnvironments(600));

  it('writes byte for byte what one thread writes', () => {
    const one = tempDir();
    const two = tempDir();
    assert.equal(synth({ cwd: project.root, outDir: one, cache: false, threads: 1 }).written, 1200);
    assert.equal(synth({ cwd: project.root, outDir: two, cache: false, threads: 2 }).written, 1200);
    const bytes = (dir: string) => [...snapshotTree(dir)].map(([p, f]) => [p, f.bytes]);
    assert.deepEqual(bytes(two), bytes(one));
    assert.equal(validate({ cwd: project.root, threads: 2 }).objects, 1200);
  });

  it('reports problems found on another thread, and writes nothing', () => {
    const out = tempDir();
    fs.writeFileSync(path.join(project.environments, 'env-0599.ts'), environmentSource({ namespace: { name: 'env-0000' } }));
    fs.writeFileSync(path.join(project.environments, 'env-0598.ts'), environmentSource({ namespace: { name: 'Bad' } }));
    assert.throws(
      () => synth({ cwd: project.root, outDir: out, cache: false, threads: 2 }),
      (err: Error) =>
        err.message ===
        [
          'environments/env-0598.ts: namespace.name: "Bad" is not valid. Use at most 63 lowercase letters, digits and "-", starting and ending with a letter or digit, e.g. "develop".',
          'environments/env-0599.ts: namespace.name: namespace "env-0000" is already the namespace of environments/env-0000.ts. Give each environment its own namespace, or merge the two environments into one file.',
        ].join('\n'),
    );
    assert.deepEqual([...snapshotTree(out).keys()], []);
  });
});

describe('a file that changes the built-ins, among hundreds on two threads', () => {
  it('is named, exit 2, and nothing is rendered on the changed built-ins (no crash), whichever thread loads it', () => {
    const files = manyEnvironments(600);
    // Read-only on Object.prototype: rendering any later file on that thread would throw inside cdk8s-plus-27.
    files['env-0300.ts'] = `Object.defineProperty(Object.prototype, 'labels', { value: { team: 'web' }, configurable: true });\n${files['env-0300.ts']}`;
    const project = tempProject(files);
    for (const command of [['validate'], ['synth', '--no-cache']]) {
      const result = runCli(command, { cwd: project.root });
      assert.equal(result.status, 2, `${command.join(' ')}: ${result.stderr}`);
      assert.match(result.stderr, /^environments\/env-0300\.ts: \(file\): changed JavaScript's shared built-ins while loading \(added Object\.prototype\.labels\)/m);
      assert.doesNotMatch(result.stderr, /internal error/);
    }
    assert.deepEqual([...snapshotTree(project.dist).keys()], []);
  });
});
