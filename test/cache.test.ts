import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { SynthCache } from '../src/engine/cache';
import { synth } from '../src/commands/synth';
import { environmentSource, snapshotTree, tempDir, tempProject } from './helpers';

const release = { name: 'web', chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' } };
const open = (root: string) => SynthCache.open(root, path.join(root, 'environments'), 'environments', '');
/** The cache entry of an environment, if still current. */
const reuse = (root: string, env: string) => open(root).reusable(path.join(root, 'environments'), [`${env}.ts`]).get(env);

describe('the synth cache', () => {
  it('reuses an unchanged environment with exactly the files it rendered', () => {
    // GIVEN a synthesized project
    const project = tempProject({ 'dev.ts': environmentSource({ namespace: { name: 'develop' }, releases: [release] }) });
    synth({ cwd: project.root });
    // WHEN its cache is asked for the unchanged file
    const entry = reuse(project.root, 'dev');
    // THEN it holds the namespace and the bytes in dist/
    assert.ok(entry);
    assert.equal(entry.namespace, 'develop');
    assert.deepEqual(entry.files.map((f) => f.path), ['namespaces/dev.yaml', 'releases/dev.yaml']);
    for (const f of entry.files) assert.equal(f.text, fs.readFileSync(path.join(project.dist, f.path), 'utf8'));
    fs.appendFileSync(path.join(project.environments, 'dev.ts'), '// edited\n');
    assert.equal(reuse(project.root, 'dev'), undefined, 'not once the file changed');
  });

  it('renders again when a .ts file the environment imports changes', () => {
    const project = tempProject({ 'dev.ts': "import { defineEnvironment } from 'helmflux';\nimport { replicas } from '../shared/sizes';\nexport default defineEnvironment({ namespace: { name: 'develop' }, releases: [{ name: 'web', chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' }, values: { replicas } }] });\n" });
    fs.mkdirSync(path.join(project.root, 'shared'));
    fs.writeFileSync(path.join(project.root, 'shared', 'sizes.ts'), 'export const replicas: number = 2;\n');
    synth({ cwd: project.root });
    assert.ok(reuse(project.root, 'dev'), 'cached while unchanged');
    fs.writeFileSync(path.join(project.root, 'shared', 'sizes.ts'), 'export const replicas: number = 5;\n');
    assert.equal(reuse(project.root, 'dev'), undefined);
    synth({ cwd: project.root });
    assert.match(fs.readFileSync(path.join(project.dist, 'releases', 'dev.yaml'), 'utf8'), /replicas: 5/);
  });

  it('never caches an environment that requires anything but helmflux and .ts files', () => {
    const project = tempProject({ 'dev.ts': "import { defineEnvironment } from 'helmflux';\nimport * as os from 'node:os';\nexport default defineEnvironment({ namespace: { name: os.EOL === '\\n' ? 'develop' : 'other' } });\n" });
    synth({ cwd: project.root });
    assert.equal(reuse(project.root, 'dev'), undefined);
  });

  it('gives the same dist/ with and without the cache, and repairs a generated file another tool changed', () => {
    const project = tempProject({
      'dev.ts': environmentSource({ namespace: { name: 'develop' }, releases: [release] }),
      'stg.ts': environmentSource({ namespace: { name: 'staging' }, releases: [{ ...release, values: { a: null } }] }),
    });
    synth({ cwd: project.root });
    synth({ cwd: project.root });
    const cached = snapshotTree(project.dist);
    const fresh = tempDir();
    synth({ cwd: project.root, outDir: fresh, cache: false });
    assert.deepEqual([...snapshotTree(fresh)].map(([p, f]) => [p, f.bytes]), [...cached].map(([p, f]) => [p, f.bytes]));
    // As Flux's image automation does: the header after the first --- stays, a value changes.
    const stg = path.join(project.dist, 'releases', 'stg.yaml');
    fs.writeFileSync(stg, fs.readFileSync(stg, 'utf8').replace('a: null', 'a: changed'));
    assert.notEqual(fs.readFileSync(stg, 'utf8'), cached.get('releases/stg.yaml')!.bytes);
    const report = synth({ cwd: project.root });
    assert.equal(report.written, 1);
    assert.equal(fs.readFileSync(path.join(project.dist, 'releases', 'stg.yaml'), 'utf8'), cached.get('releases/stg.yaml')!.bytes);
  });

  it('still validates namespaces of changed environments against cached ones', () => {
    const project = tempProject({
      'a.ts': environmentSource({ namespace: { name: 'shared' } }),
      'b.ts': environmentSource({ namespace: { name: 'other' } }),
    });
    synth({ cwd: project.root });
    fs.writeFileSync(path.join(project.environments, 'b.ts'), environmentSource({ namespace: { name: 'shared' } }));
    assert.throws(() => synth({ cwd: project.root }), /environments\/b\.ts: namespace\.name: namespace "shared" is already the namespace of environments\/a\.ts/);
  });

  it('ignores a cache file it cannot read', () => {
    const project = tempProject({ 'dev.ts': environmentSource({ namespace: { name: 'develop' } }) });
    synth({ cwd: project.root });
    fs.writeFileSync(open(project.root).file, '{ not json');
    assert.equal(reuse(project.root, 'dev'), undefined);
    assert.equal(synth({ cwd: project.root }).unchanged, 1);
    assert.ok(reuse(project.root, 'dev'), 'rewritten by the synth');
  });
});
