/**
 * Generated and vendored files stay what they claim to be: src/imports/ is
 * exactly what `cdk8s import` makes of the vendored CRD, the vendored schemas
 * are byte-identical to upstream, and `npx cdk8s synth` (cdk8s.yaml's app)
 * produces the same objects as `helmflux synth`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { REPO, tempDir } from './helpers';

const CDK8S = path.join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const sha256 = (file: string) => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

/** Runs cdk8s-cli in the repository (offline: no upgrade check) into a fresh folder; returns the folder. */
function cdk8s(command: 'import' | 'synth'): string {
  const out = tempDir();
  const result = spawnSync(process.execPath, [CDK8S, command, '--output', out], {
    cwd: REPO,
    env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' },
    encoding: 'utf8',
  });
  assert.equal(result.status, 0, result.stderr);
  return out;
}

describe('generated and vendored files', () => {
  it('src/imports/ is what cdk8s import generates from the vendored CRD', () => {
    const out = cdk8s('import');
    assert.equal(
      fs.readFileSync(path.join(out, 'helm.fluxcd.io.ts'), 'utf8'),
      fs.readFileSync(path.join(REPO, 'src', 'imports', 'helm.fluxcd.io.ts'), 'utf8'),
      'run `npm run import` and commit src/imports/',
    );
  });

  it('the vendored schemas are the upstream bytes', () => {
    // Hashes from schemas/SOURCES.md (and shared/schemas/ of this project).
    assert.equal(sha256(path.join(REPO, 'schemas', 'helm.fluxcd.io_helmreleases.yaml')), '491f5f6709553045d31e311d79868a02949942552aa98e5f8e7e6209c7e00e98');
    assert.equal(sha256(path.join(REPO, 'schemas', 'namespace-v1.json')), '138cced5c47a317a9cce78a59a0d5f9e330f9b8a40f48077f5a3d9a6ce289e52');
  });

  it('npx cdk8s synth produces the objects of dist/', () => {
    const out = cdk8s('synth');
    const parse = (file: string) => YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean);
    for (const env of ['dev', 'ingress', 'pro', 'stg']) {
      const cdk8s = parse(path.join(out, `${env}.k8s.yaml`));
      const ours = [...parse(path.join(REPO, 'dist', 'namespaces', `${env}.yaml`)), ...parse(path.join(REPO, 'dist', 'releases', `${env}.yaml`))];
      assert.deepEqual(cdk8s, ours, env);
    }
  });
});
