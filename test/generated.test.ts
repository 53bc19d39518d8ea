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
import { REPO, runCli, seedProject, tempDir } from './helpers';

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
  it('src/imports/ is what cdk8s import generates from the vendored CRDs (Flux v1, and the six Flux v2 kinds)', () => {
    const out = cdk8s('import');
    const generated = fs.readdirSync(out).sort();
    assert.deepEqual(generated, fs.readdirSync(path.join(REPO, 'src', 'imports')).sort(), 'run `npm run import` and commit src/imports/');
    assert.deepEqual(generated, [
      'flux-v2-gitrepository-source.toolkit.fluxcd.io.ts',
      'flux-v2-helmrelease-helm.toolkit.fluxcd.io.ts',
      'flux-v2-helmrepository-source.toolkit.fluxcd.io.ts',
      'flux-v2-imagepolicy-image.toolkit.fluxcd.io.ts',
      'flux-v2-imagerepository-image.toolkit.fluxcd.io.ts',
      'flux-v2-imageupdateautomation-image.toolkit.fluxcd.io.ts',
      'helm.fluxcd.io.ts',
    ]);
    for (const file of generated) {
      assert.equal(fs.readFileSync(path.join(out, file), 'utf8'), fs.readFileSync(path.join(REPO, 'src', 'imports', file), 'utf8'), `${file}: run \`npm run import\` and commit src/imports/`);
    }
  });

  it('the Flux v2 objects are made by the generated classes: a spec they do not type is not written', async () => {
    const { helmReleaseJson, imagePolicyJson } = await import('../src/targets/flux-v2/objects');
    // A field the CRD does not have is dropped by the class's toJson (and refused at compile time by its type).
    const policy = imagePolicyJson({ name: 'p', namespace: 'fluxcd' }, { imageRepositoryRef: { name: 'r' }, policy: { semver: { range: '1.x' } }, ...({ bogus: true } as object) });
    assert.deepEqual(policy, { apiVersion: 'image.toolkit.fluxcd.io/v1', kind: 'ImagePolicy', metadata: { name: 'p', namespace: 'fluxcd' }, spec: { imageRepositoryRef: { name: 'r' }, policy: { semver: { range: '1.x' } } } });
    // Values, labels and annotations are kept as given: null (removes a chart default), an empty map, a key named constructor.
    const release = helmReleaseJson({
      metadata: { name: 'web', namespace: 'web', labels: { constructor: 'x' }, annotations: { a: '' } },
      spec: { interval: '5m', chart: { spec: { chart: 'web', sourceRef: { kind: 'GitRepository' as never, name: 's' } } }, values: { a: null, b: {}, constructor: { c: 1 } } },
    });
    assert.deepEqual((release.spec as { values: unknown }).values, { a: null, b: {}, constructor: { c: 1 } });
    assert.deepEqual((release.metadata as { labels: unknown }).labels, { constructor: 'x' });
    assert.deepEqual((release.metadata as { annotations: unknown }).annotations, { a: '' });
  });

  it('the vendored schemas are the upstream bytes', () => {
    // Hashes from schemas/SOURCES.md (and shared/schemas/ of this project).
    assert.equal(sha256(path.join(REPO, 'schemas', 'helm.fluxcd.io_helmreleases.yaml')), '491f5f6709553045d31e311d79868a02949942552aa98e5f8e7e6209c7e00e98');
    assert.equal(sha256(path.join(REPO, 'schemas', 'namespace-v1.json')), '138cced5c47a317a9cce78a59a0d5f9e330f9b8a40f48077f5a3d9a6ce289e52');
    assert.equal(sha256(path.join(REPO, 'schemas', 'kubernetes', 'swagger-1.33.json')), '07855fb227fcede0acdfff1d7e52fdc4bfd98e99bf2c042c745f68719ade2876');
    // The Flux v2 CRDs, pinned (schemas/SOURCES.md).
    const v2: Record<string, string> = {
      'helm.toolkit.fluxcd.io_helmreleases.yaml': 'aa8638ac68465ceac1f93a617baf5be833c589c51fd78a7384a4a274c252becc',
      'source.toolkit.fluxcd.io_gitrepositories.yaml': '39a5a46c81539c992abc53f9be3e5434cd70d50a10d169b1e8a450e0df1c9d09',
      'source.toolkit.fluxcd.io_helmrepositories.yaml': '97c7759df00946cbb9a75a56457cff9964b2543d2248df859cef21e26b8e2ae6',
      'image.toolkit.fluxcd.io_imagerepositories.yaml': 'ffe681874747909190b65a61480cf6101bf643173d934e8baa4fb8cfbcd28d47',
      'image.toolkit.fluxcd.io_imagepolicies.yaml': '7337df5b1d11febd1be7c4792523d985d9199550ad78f2245442ec3268000985',
      'image.toolkit.fluxcd.io_imageupdateautomations.yaml': 'fcfefa730060e0d9cf8cd3f823f87b439a98f992b1a3b1e145bf15527f181401',
    };
    for (const [file, hash] of Object.entries(v2)) assert.equal(sha256(path.join(REPO, 'schemas', file)), hash, file);
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

  it("with flux: 'v2' in the settings, npx cdk8s synth writes the objects of helmflux synth --flux v2: helm.toolkit.fluxcd.io HelmReleases, sources and image automation", () => {
    const project = seedProject();
    const settings = path.join(project.root, 'helmflux.settings.ts');
    fs.writeFileSync(settings, fs.readFileSync(settings, 'utf8').replace("flux: 'v1'", "flux: 'v2'"));
    fs.writeFileSync(path.join(project.root, 'cdk8s.yaml'), `language: typescript\napp: node ${JSON.stringify(path.join(REPO, 'lib', 'src', 'cdk8s-app.js'))}\noutput: cdk8s.out\n`);
    const result = spawnSync(process.execPath, [CDK8S, 'synth'], { cwd: project.root, env: { ...process.env, CDK8S_CHECK_UPGRADE: 'false' }, encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const parse = (file: string) => (fs.existsSync(file) ? YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS()).filter(Boolean) : []);
    const byId = (objects: { kind: string; metadata: { namespace?: string; name: string } }[]) =>
      Object.fromEntries(objects.map((o) => [`${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`, o]));
    for (const env of ['dev', 'ingress', 'pro', 'stg']) {
      const ours = ['namespaces', 'releases', 'images'].flatMap((folder) => parse(path.join(project.dist, folder, `${env}.yaml`)));
      assert.deepEqual(byId(parse(path.join(project.root, 'cdk8s.out', `${env}.k8s.yaml`))), byId(ours), env);
    }
    const release = parse(path.join(project.root, 'cdk8s.out', 'dev.k8s.yaml')).find((o: { kind: string }) => o.kind === 'HelmRelease') as { apiVersion: string };
    assert.equal(release.apiVersion, 'helm.toolkit.fluxcd.io/v2');
    const shared = ['sources.yaml', 'image-automation.yaml'].flatMap((f) => parse(path.join(project.dist, 'flux', f)));
    assert.deepEqual(byId(parse(path.join(project.root, 'cdk8s.out', 'flux.k8s.yaml'))), byId(shared));
  });
});
