/**
 * The Flux v2 target: the seed's environments field by field, markers on the
 * exact lines, URL and ref conversion, every object valid against the pinned
 * CRDs, v1 settings with no v2 meaning, the v1 -> v2 switch in `diff`, and
 * the no-fight rule with the image-automation-controller.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { validators } from '../src/definition/validators';
import type { ChartSource } from '../src/definition/types';
import { globPattern, policySpec, v2Name } from '../src/targets/flux-v2/images';
import { fluxGitUrl, fluxSource, gitRefKind } from '../src/targets/flux-v2/sources';
import { goYamlDecodeFiles, skipGoYaml } from './goyaml';
import { runCli, seedProject, snapshotTree, tempDir } from './helpers';

type Json = Record<string, any>;

/** Every object of every file of an output folder, by file. */
function objects(dir: string): Map<string, Json[]> {
  const out = new Map<string, Json[]>();
  const walk = (d: string, prefix: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), rel);
      else if (e.name.endsWith('.yaml')) out.set(rel, YAML.parseAllDocuments(fs.readFileSync(path.join(d, e.name), 'utf8')).map((doc) => doc.toJS()));
    }
  };
  walk(dir, '');
  return out;
}

const VALIDATOR: Record<string, keyof typeof validators> = {
  'helm.toolkit.fluxcd.io/v2 HelmRelease': 'helmReleaseV2',
  'source.toolkit.fluxcd.io/v1 GitRepository': 'gitRepository',
  'source.toolkit.fluxcd.io/v1 HelmRepository': 'helmRepository',
  'image.toolkit.fluxcd.io/v1 ImageRepository': 'imageRepository',
  'image.toolkit.fluxcd.io/v1 ImagePolicy': 'imagePolicy',
  'image.toolkit.fluxcd.io/v1 ImageUpdateAutomation': 'imageUpdateAutomation',
  'v1 Namespace': 'namespace',
};

/** Replaces text in a project file, asserting it is there. */
function edit(file: string, ...pairs: [string | RegExp, string][]): void {
  let text = fs.readFileSync(file, 'utf8');
  for (const [from, to] of pairs) {
    assert.ok(typeof from === 'string' ? text.includes(from) : from.test(text), `${file} has ${String(from)}`);
    text = text.replace(from, to);
  }
  fs.writeFileSync(file, text);
}

function synthV2(extra: string[] = []) {
  const project = seedProject();
  const out = path.join(tempDir(), 'fleet');
  const before = snapshotTree(project.dist);
  const result = runCli(['synth', '--flux', 'v2', '--out', out, ...extra], { cwd: project.root });
  assert.equal(result.status, 0, result.stderr);
  assert.deepEqual(snapshotTree(project.dist), before, 'dist/ is untouched when --out points elsewhere');
  return { project, out, result };
}

describe('Flux v2: the seed', () => {
  const { out, result } = synthV2();
  const files = objects(out);

  it('writes a complete repository: every file listed in kustomization.yaml, and nothing else', () => {
    assert.deepEqual([...files.keys()].sort(), [
      'flux/image-automation.yaml',
      'flux/sources.yaml',
      'images/dev.yaml',
      'kustomization.yaml',
      'namespaces/dev.yaml',
      'namespaces/ingress.yaml',
      'namespaces/pro.yaml',
      'namespaces/stg.yaml',
      'releases/dev.yaml',
      'releases/ingress.yaml',
      'releases/pro.yaml',
      'releases/stg.yaml',
    ]);
    const [kustomization] = files.get('kustomization.yaml')!;
    assert.equal(kustomization.apiVersion, 'kustomize.config.k8s.io/v1beta1');
    assert.equal(kustomization.kind, 'Kustomization');
    assert.deepEqual(kustomization.resources, [...files.keys()].filter((f) => f !== 'kustomization.yaml').sort());
    assert.match(result.stderr, /glob:v\*" becomes an alphabetical ImagePolicy/);
  });

  it('every object validates against the strict pinned CRDs', () => {
    let n = 0;
    for (const [file, list] of files) {
      if (file === 'kustomization.yaml') continue;
      for (const object of list) {
        const validator = validators[VALIDATOR[`${object.apiVersion} ${object.kind}`]];
        assert.ok(validator, `${file}: ${object.apiVersion} ${object.kind}`);
        assert.equal(validator(object), true, `${file}: ${JSON.stringify(validator.errors)}`);
        n++;
      }
    }
    assert.equal(n, 14);
  });

  it('one ImageRepository per image, however many environments automate it', () => {
    const project = seedProject();
    edit(path.join(project.environments, 'stg.ts'), ["replicaCount: 2,", "replicaCount: 2,\n        image: { repository: 'fontanillamiguel/apache', tag: 'v0.0.1' },"]);
    const fleet = path.join(tempDir(), 'fleet');
    assert.equal(runCli(['synth', '--flux', 'v2', '--out', fleet], { cwd: project.root }).status, 0);
    const all = objects(fleet);
    assert.deepEqual(all.get('flux/image-automation.yaml')!.map((o) => `${o.kind}/${o.metadata.name}`), ['ImageRepository/fontanillamiguel.apache', 'ImageUpdateAutomation/helmflux']);
    assert.deepEqual(all.get('images/stg.yaml')!.map((o) => `${o.kind}/${o.metadata.name}`), ['ImagePolicy/staging.helmbasic-staging.chart-image']);
    assert.deepEqual(all.get('images/dev.yaml')!.map((o) => o.spec.imageRepositoryRef.name), ['fontanillamiguel.apache']);
  });

  it('keeps the v1 Helm release names, written explicitly, with the charts from GitRepositories', () => {
    const expected: [string, string, string, string, string][] = [
      ['dev', 'develop', 'helmbasic-develop', 'helmbasics', 'mifonpe-helmflux-develop--eec78935'],
      ['stg', 'staging', 'helmbasic-staging', 'helmbasics', 'mifonpe-helmflux-staging--9a02b2e6'],
      ['pro', 'production', 'helmbasic-production', 'helmbasics', 'mifonpe-helmflux-master--9519a8cc'],
      ['ingress', 'ingress', 'nginx-ingress', 'nginx-ingress', 'mifonpe-helmflux-master--9519a8cc'],
    ];
    for (const [env, namespace, name, chart, source] of expected) {
      const [release] = files.get(`releases/${env}.yaml`)!;
      assert.equal(release.apiVersion, 'helm.toolkit.fluxcd.io/v2');
      assert.equal(release.metadata.namespace, namespace);
      assert.equal(release.metadata.name, name);
      assert.equal(release.spec.releaseName, name);
      assert.deepEqual(release.spec.chart.spec, { chart, sourceRef: { kind: 'GitRepository', name: source, namespace: 'fluxcd' }, reconcileStrategy: 'Revision' });
      assert.equal(release.spec.interval, '5m');
      assert.equal(release.spec.maxHistory, 10);
      assert.deepEqual(release.spec.install, { remediation: { retries: 3 } });
      assert.deepEqual(release.spec.upgrade, { remediation: { retries: 3, remediateLastFailure: true, strategy: 'rollback' } });
      // No Flux v1 annotations; the automated release records its definition's tag.
      assert.deepEqual(release.metadata.annotations, name === 'helmbasic-develop' ? { 'helmflux.dev/defined-tags': 'image.tag=v0.0.1' } : undefined);
    }
    assert.deepEqual(files.get('releases/pro.yaml')![0].spec.values, { environment: 'production', ingress: { host: 'mywebserver.pro.kubesandclouds.com' }, replicaCount: 3 });
    assert.equal(files.get('releases/ingress.yaml')![0].spec.values, undefined);
    const sources = files.get('flux/sources.yaml')!;
    assert.deepEqual(sources.map((s) => `${s.kind} ${s.metadata.namespace}/${s.metadata.name}`), [
      'GitRepository fluxcd/mifonpe-helmflux-develop--eec78935',
      'GitRepository fluxcd/mifonpe-helmflux-master--9519a8cc',
      'GitRepository fluxcd/mifonpe-helmflux-staging--9a02b2e6',
    ]);
    assert.deepEqual(sources[1].spec, { url: 'ssh://git@github.com/mifonpe/helmflux', interval: '1m', ref: { branch: 'master' }, secretRef: { name: 'flux-system' } });
  });

  it("automates dev's image: ImageRepository, ImagePolicy, the ImageUpdateAutomation, markers on the exact lines", () => {
    const [policy] = files.get('images/dev.yaml')!;
    assert.deepEqual(policy.spec, { imageRepositoryRef: { name: 'fontanillamiguel.apache' }, filterTags: { pattern: '^v.*$' }, policy: { alphabetical: { order: 'asc' } } });
    assert.equal(policy.metadata.name, 'develop.helmbasic-develop.chart-image');
    assert.equal(policy.metadata.namespace, 'fluxcd');
    const [repository, automation] = files.get('flux/image-automation.yaml')!;
    assert.deepEqual(repository, {
      apiVersion: 'image.toolkit.fluxcd.io/v1',
      kind: 'ImageRepository',
      metadata: { name: 'fontanillamiguel.apache', namespace: 'fluxcd' },
      spec: { image: 'fontanillamiguel/apache', interval: '5m' },
    });
    assert.equal(automation.kind, 'ImageUpdateAutomation');
    assert.deepEqual(automation.spec, {
      sourceRef: { kind: 'GitRepository', name: 'flux-system', namespace: 'fluxcd' },
      git: { checkout: { ref: { branch: 'master' } }, commit: { author: { email: 'fluxcdbot@users.noreply.github.com', name: 'fluxcdbot' } }, push: { branch: 'master' } },
      interval: '5m',
      update: { path: './dist', strategy: 'Setters' },
    });
    const text = fs.readFileSync(path.join(out, 'releases', 'dev.yaml'), 'utf8');
    const lines = text.split('\n');
    assert.ok(lines.includes('      tag: v0.0.1 # {"$imagepolicy": "fluxcd:develop.helmbasic-develop.chart-image:tag"}'), text);
    assert.ok(lines.includes('      repository: fontanillamiguel/apache # {"$imagepolicy": "fluxcd:develop.helmbasic-develop.chart-image:name"}'), text);
    assert.equal(text.match(/\$imagepolicy/g)!.length, 2);
    // The other environments are automated but have no image in their values: nothing to update.
    for (const env of ['stg', 'pro', 'ingress']) assert.doesNotMatch(fs.readFileSync(path.join(out, 'releases', `${env}.yaml`), 'utf8'), /imagepolicy/);
  });

  it('go-yaml reads every file as the same data, markers and all (the controllers are Go programs)', { skip: skipGoYaml() }, () => {
    const paths = [...files.keys()].sort();
    const decoded = goYamlDecodeFiles(paths.map((f) => path.join(out, f)));
    paths.forEach((file, i) => assert.deepEqual(decoded[i], files.get(file), file));
  });

  it('is deterministic: a rerun writes nothing, and check passes', () => {
    const project = seedProject();
    const out = path.join(tempDir(), 'fleet');
    assert.equal(runCli(['synth', '--flux', 'v2', '--out', out], { cwd: project.root }).status, 0);
    const again = runCli(['synth', '--flux', 'v2', '--out', out], { cwd: project.root });
    assert.match(again.stdout, /0 written, 12 unchanged, 0 removed/);
    // Every environment came from the synth cache: its warnings are said again.
    assert.match(again.stderr, /^helmflux: warning: environments\/dev\.ts: .*"glob:v\*" becomes an alphabetical ImagePolicy/m);
    assert.equal(runCli(['check', '--flux', 'v2', '--out', out], { cwd: project.root }).status, 0);
    assert.equal(runCli(['validate', '--flux', 'v2'], { cwd: project.root }).stdout, '4 environments, 14 objects: valid\n');
  });
});

describe('Flux v2: sources', () => {
  it('converts git URLs to the forms a GitRepository takes', () => {
    assert.equal(fluxGitUrl('git@github.com:mifonpe/helmflux'), 'ssh://git@github.com/mifonpe/helmflux');
    assert.equal(fluxGitUrl('git@gitlab.example.com:group/sub/repo.git'), 'ssh://git@gitlab.example.com/group/sub/repo.git');
    assert.equal(fluxGitUrl('ssh://git@github.com/org/repo'), 'ssh://git@github.com/org/repo');
    assert.equal(fluxGitUrl('https://github.com/org/repo'), 'https://github.com/org/repo');
    assert.equal(fluxGitUrl('git://github.com/org/repo'), undefined);
  });

  it('tells a commit, a tag and a branch apart', () => {
    assert.equal(gitRefKind('0123456789abcdef0123456789abcdef01234567'), 'commit');
    assert.equal(gitRefKind('v1.2.3'), 'tag');
    assert.equal(gitRefKind('1.2.3-rc.1'), 'tag');
    assert.equal(gitRefKind('master'), 'branch');
    assert.equal(gitRefKind('release/1.2'), 'branch');
    assert.equal(gitRefKind('0123abc'), 'branch', 'a short hash is no full commit');
  });

  it('gives an https source no deploy key, and a Helm repository chart a HelmRepository with its version', () => {
    const https = fluxSource({ git: 'https://github.com/org/charts', path: 'web', ref: 'v2.0.0' }, 'flux-system');
    assert.ok(!('problem' in https));
    assert.deepEqual(https.spec, { url: 'https://github.com/org/charts', ref: { tag: 'v2.0.0' }, interval: '1m' });
    const helm = fluxSource({ repository: 'https://charts.bitnami.com/bitnami', name: 'redis', version: '10.5.7' }, 'flux-system');
    assert.ok(!('problem' in helm));
    assert.equal(helm.kind, 'HelmRepository');
    assert.equal(helm.name, 'charts-bitnami-com-bitnami--ab866f92');
    // A repository at its host's root: the host once, not cut short.
    const stable = fluxSource({ repository: 'https://kubernetes-charts.storage.googleapis.com', name: 'redis', version: '10.5.7' }, 'flux-system');
    assert.ok(!('problem' in stable));
    assert.equal(stable.name, 'kubernetes-charts-storage-googleapis-com--dc45c9e8');
    assert.equal(helm.chart, 'redis');
    assert.equal(helm.version, '10.5.7');
  });

  it('names two different chart sources differently, however alike they read, within 63 characters', () => {
    const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
    const sources: ChartSource[] = [
      { git: 'git@github.com:a-b/c', path: 'x', ref: 'main' },
      { git: 'git@github.com:a/b-c', path: 'x', ref: 'main' },
      { git: 'git@gitlab.com:a-b/c', path: 'x', ref: 'main' },
      { git: 'https://github.com/a-b/c', path: 'x', ref: 'main' },
      { git: 'git@github.com:a-b/c', path: 'x', ref: 'Main' },
      { git: 'git@github.com:a-b/c', path: 'x', ref: 'v1.0.0' },
      { git: 'git@github.com:org/' + 'r'.repeat(80), path: 'x', ref: 'a' },
      { git: 'git@github.com:org/' + 'r'.repeat(80), path: 'x', ref: 'b' },
      { repository: 'https://charts.example.com/a-b', name: 'x', version: '1' },
      { repository: 'https://charts.example.com/a/b', name: 'x', version: '1' },
      { repository: 'https://charts.example.com/a/b', name: 'x', version: '1', secretRef: { name: 'creds' } },
    ];
    const names = new Map<string, string>();
    for (const chart of sources) {
      const source = fluxSource(chart, 'flux-system');
      assert.ok(!('problem' in source));
      assert.match(source.name, subdomain, source.name);
      assert.ok(source.name.length <= 63, source.name);
      assert.equal(names.get(source.name), undefined, `${JSON.stringify(chart)} and ${names.get(source.name)} share ${source.name}`);
      names.set(source.name, JSON.stringify(chart));
    }
    // One source, one name, whatever the chart's path or version (every environment names the same object).
    const a = fluxSource({ git: 'git@github.com:a-b/c', path: 'one', ref: 'main' }, 'flux-system');
    const b = fluxSource({ git: 'git@github.com:a-b/c', path: 'two', ref: 'main' }, 'flux-system');
    assert.ok(!('problem' in a) && !('problem' in b));
    assert.equal(a.name, b.name);
    assert.match(a.name, /^a-b-c-main--[0-9a-f]{8}$/);
  });

  it('names objects as DNS subdomains of at most 63 characters whatever the image, readable where it can, different for different parts', () => {
    const subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
    const names = new Map<string, string>();
    const cases = [
      ['develop', 'fontanillamiguel/apache'], ['develop', 'registry.example.com:5000/-team/_app..x'], ['develop', 'Docker.IO/Library/NGINX'], ['develop', '.hidden/'], ['develop', 'a'.repeat(300)],
      ['team-a', 'web', 'chart-image'], ['team', 'a-web', 'chart-image'], ['team', 'a', 'web-chart-image'], ['develop', 'Web', 'x'], ['develop', 'web', 'x'], ['a--b', 'c'], ['a', '-b-c'],
      ['x'.repeat(40), 'y'.repeat(40), 'z'], ['x'.repeat(40), 'y'.repeat(40), 'zz'],
    ];
    for (const parts of cases) {
      const name = v2Name(...parts);
      assert.match(name, subdomain, name);
      assert.ok(name.length <= 63, name);
      assert.equal(names.get(name), undefined, `${JSON.stringify(parts)} and ${names.get(name)} share ${name}`);
      names.set(name, JSON.stringify(parts));
    }
    assert.equal(v2Name('develop', 'helmbasic-develop', 'chart-image'), 'develop.helmbasic-develop.chart-image');
    assert.equal(v2Name('fontanillamiguel', 'apache'), 'fontanillamiguel.apache');
    assert.match(v2Name('team-a', 'web', 'chart-image'), /^team-a\.web\.chart-image$/);
    assert.match(v2Name('ghcr.io', 'fluxcd', 'podinfo'), /^ghcr-io-fluxcd-podinfo--[0-9a-f]{12}$/);
  });

  it('turns v1 filters into policies', () => {
    assert.equal(globPattern('v*'), '^v.*$');
    assert.equal(globPattern('1.2.*-alpine'), '^1\\.2\\..*-alpine$');
    assert.deepEqual(policySpec('semver:~1.2', 'r'), { imageRepositoryRef: { name: 'r' }, policy: { semver: { range: '~1.2' } } });
    assert.deepEqual(policySpec('regex:^main-[0-9]+$', 'r'), { imageRepositoryRef: { name: 'r' }, filterTags: { pattern: '^main-[0-9]+$' }, policy: { alphabetical: { order: 'asc' } } });
  });
});

describe('Flux v2: the pinned CRDs refuse', () => {
  it('a bad duration, a git:// URL, a release name over 53 characters, an unknown field', () => {
    const release = { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'web', namespace: 'web' }, spec: { interval: '5m', chart: { spec: { chart: 'web', sourceRef: { kind: 'GitRepository', name: 'charts' } } } } };
    assert.equal(validators.helmReleaseV2(release), true, JSON.stringify(validators.helmReleaseV2.errors));
    assert.equal(validators.helmReleaseV2({ ...release, spec: { ...release.spec, interval: '5 minutes' } }), false);
    assert.equal(validators.helmReleaseV2({ ...release, spec: { ...release.spec, releaseName: 'x'.repeat(54) } }), false);
    assert.equal(validators.helmReleaseV2({ ...release, spec: { ...release.spec, valuesFile: [] } }), false);
    const git = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'charts', namespace: 'flux-system' }, spec: { url: 'ssh://git@github.com/org/charts', interval: '1m' } };
    assert.equal(validators.gitRepository(git), true);
    assert.equal(validators.gitRepository({ ...git, spec: { ...git.spec, url: 'git://github.com/org/charts' } }), false);
    assert.equal(validators.gitRepository({ ...git, spec: { ...git.spec, url: 'git@github.com:org/charts' } }), false, 'the scp form is converted before, never written');
  });
});

describe('Flux v2: what v1 says that v2 cannot', () => {
  it('refuses Helm v2, a cross-namespace valuesFrom, externalSourceRef and automation without the GitOps repository; nothing written', () => {
    const project = seedProject();
    edit(path.join(project.environments, 'pro.ts'), [
      "ref: 'master',",
      "ref: 'master',\n      helmVersion: 'v2',\n      valuesFrom: [{ secretKeyRef: { name: 'creds', namespace: 'other' } }, { externalSourceRef: { url: 'https://example.com/values.yaml' } }],",
    ]);
    edit(path.join(project.root, 'helmflux.settings.ts'), [/\n {2}gitops: .*\n/, '\n']);
    const out = path.join(tempDir(), 'fleet');
    const result = runCli(['synth', '--flux', 'v2', '--out', out], { cwd: project.root });
    assert.equal(result.status, 2, result.stdout);
    assert.match(result.stderr, /^environments\/pro\.ts: releases\[0\]\.helmVersion: is "v2": Flux v2 installs with Helm 3 only\. /m);
    assert.match(result.stderr, /^environments\/pro\.ts: releases\[0\]\.valuesFrom\[0\]\.secretKeyRef\.namespace: is "other": Flux v2 reads values only from the HelmRelease's own namespace \("production"\)\. Copy the Secret into "production"/m);
    assert.match(result.stderr, /^environments\/pro\.ts: releases\[0\]\.valuesFrom\[1\]\.externalSourceRef: has no Flux v2 counterpart/m);
    assert.match(result.stderr, /^environments\/dev\.ts: releases\[0\]\.flux\.automated: needs the GitOps repository under Flux v2.*Set gitops: \{ url, branch, path \} in helmflux\.settings\.ts/m);
    assert.equal(fs.existsSync(out), false);
    // The same definitions are fine for Flux v1.
    assert.equal(runCli(['validate'], { cwd: project.root }).status, 0);
  });

  it("warns about raw Flux v1 annotations, which it does not write", () => {
    const project = seedProject();
    edit(path.join(project.environments, 'pro.ts'), ["ref: 'master',", "ref: 'master',\n      annotations: { 'fluxcd.io/locked': 'true' },"]);
    const out = path.join(tempDir(), 'fleet');
    const result = runCli(['synth', '--flux', 'v2', '--out', out], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stderr, /^helmflux: warning: environments\/pro\.ts: releases\[0\] \(helmbasic-production\): annotations fluxcd\.io\/locked are Flux v1's and are not written for Flux v2/m);
    assert.equal(objects(out).get('releases/pro.yaml')![0].metadata.annotations, undefined);
  });

  it('maps valuesFrom, chart files, timeouts, rollback, tests, a lock, ignore and targetNamespace', () => {
    const project = seedProject();
    edit(
      path.join(project.environments, 'stg.ts'),
      [
        "ref: 'staging',",
        "ref: 'staging',\n      valuesFrom: [{ configMapKeyRef: { name: 'web', key: 'extra.yaml', optional: true } }, { secretKeyRef: { name: 'creds' } }, { chartFileRef: { path: 'values-staging.yaml' } }],\n      timeout: 600, maxHistory: 3, forceUpgrade: true, skipCRDs: true, targetNamespace: 'web',\n      rollback: { enable: true, retry: true, maxRetries: 2, force: true, timeout: 120 },\n      test: { enable: true, timeout: 60 },\n      annotations: { 'example.com/team': 'web' },",
      ],
      ['flux: { automated: true },', 'flux: { automated: true, locked: true, ignore: true },'],
    );
    const out = path.join(tempDir(), 'fleet');
    const result = runCli(['synth', '--flux', 'v2', '--out', out], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    const [release] = objects(out).get('releases/stg.yaml')!;
    assert.equal(validators.helmReleaseV2(release), true, JSON.stringify(validators.helmReleaseV2.errors));
    assert.deepEqual(release.metadata.annotations, { 'example.com/team': 'web', 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' });
    assert.deepEqual(release.spec.valuesFrom, [
      { kind: 'ConfigMap', name: 'web', valuesKey: 'extra.yaml', optional: true },
      { kind: 'Secret', name: 'creds', valuesKey: 'values.yaml' },
    ]);
    assert.deepEqual(release.spec.chart.spec.valuesFiles, ['values-staging.yaml']);
    assert.equal(release.spec.timeout, '600s');
    assert.equal(release.spec.maxHistory, 3);
    assert.equal(release.spec.targetNamespace, 'web');
    assert.equal(release.spec.storageNamespace, 'web');
    assert.equal(release.spec.suspend, true);
    assert.deepEqual(release.spec.install, { remediation: { retries: 3 }, crds: 'Skip' });
    assert.deepEqual(release.spec.upgrade, { remediation: { retries: 2, remediateLastFailure: true, strategy: 'rollback' }, crds: 'Skip', force: true });
    assert.deepEqual(release.spec.rollback, { force: true, timeout: '120s' });
    assert.deepEqual(release.spec.test, { enable: true, timeout: '60s' });
  });
});

describe('Flux v2: switching from v1', () => {
  it('diff pairs each v1 HelmRelease with its v2 successor as migrated, not destructive', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const result = runCli(['diff', '--flux', 'v2', '--format', 'json'], { cwd: project.root });
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(result.stdout);
    const migrated = report.changes.filter((c: Json) => c.change === 'migrated');
    assert.deepEqual(migrated.map((c: Json) => `${c.namespace}/${c.name}`).sort(), ['develop/helmbasic-develop', 'ingress/nginx-ingress', 'production/helmbasic-production', 'staging/helmbasic-staging']);
    for (const c of migrated) {
      assert.equal(c.destructive, false);
      assert.match(c.reason, /^migrated: the helm-controller takes over release \S+ from the Helm operator; values unchanged, so no upgrade\. Stop the Helm operator/);
      assert.equal(c.apiVersion, 'helm.toolkit.fluxcd.io/v2');
    }
    assert.equal(report.changes.filter((c: Json) => c.change === 'removed').length, 0);
    assert.ok(report.addedFiles.includes('dist/kustomization.yaml'));
    assert.match(report.summary, /\(0 destructive\)/);
  });

  it('flags what the switch really reinstalls: a v1 release without releaseName under another name', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    // Hand-edit the committed v1 file as if the release had been installed without releaseName.
    const file = path.join(project.dist, 'releases', 'ingress.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('  releaseName: nginx-ingress\n', ''));
    const report = JSON.parse(runCli(['diff', '--flux', 'v2', '--format', 'json'], { cwd: project.root }).stdout);
    const ingress = report.changes.find((c: Json) => c.name === 'nginx-ingress');
    assert.equal(ingress.change, 'migrated');
    assert.equal(ingress.destructive, true);
    assert.match(ingress.reason, /installs release nginx-ingress \(in ingress\) anew beside release ingress-nginx-ingress \(in ingress\)/);
  });

  it('synth switches dist/ over and back: v2-only files are removed again under v1', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const v1 = snapshotTree(project.dist);
    assert.equal(runCli(['synth', '--flux', 'v2'], { cwd: project.root }).status, 0);
    assert.ok(fs.existsSync(path.join(project.dist, 'kustomization.yaml')));
    const back = runCli(['synth'], { cwd: project.root });
    assert.equal(back.status, 0, back.stderr);
    assert.deepEqual([...snapshotTree(project.dist)].map(([f, { bytes }]) => [f, bytes]), [...v1].map(([f, { bytes }]) => [f, bytes]));
  });
});

describe("Flux v2: no fight with the image-automation-controller", () => {
  /** What the controller does at a marker: the value on that line replaced (the rest of the file as it was). */
  function controllerSets(file: string, policy: string, value: string): void {
    const text = fs.readFileSync(file, 'utf8');
    const re = new RegExp(`^(\\s*\\w+: )\\S+( # \\{"\\$imagepolicy": "fluxcd:${policy}:tag"\\})$`, 'm');
    assert.match(text, re);
    fs.writeFileSync(file, text.replace(re, `$1${value}$2`));
  }

  /** The seed with flux: 'v2' in its settings, synthesized into dist/. */
  function v2Seed() {
    const project = seedProject();
    edit(path.join(project.root, 'helmflux.settings.ts'), ["flux: 'v1'", "flux: 'v2'"]);
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    return { project, dev: path.join(project.dist, 'releases', 'dev.yaml') };
  }

  it('keeps a tag the controller committed when the policy takes it; check sees no drift', () => {
    const { project, dev } = v2Seed();
    controllerSets(dev, 'develop.helmbasic-develop.chart-image', 'v0.0.2');
    const committed = fs.readFileSync(dev, 'utf8');
    const synth = runCli(['synth'], { cwd: project.root });
    assert.equal(synth.status, 0, synth.stderr);
    assert.match(synth.stdout, /0 written, 12 unchanged/);
    assert.match(synth.stdout, /^kept tag v0\.0\.2 of develop\/helmbasic-develop \(develop.helmbasic-develop.chart-image\), written by Flux's image automation; environments\/dev\.ts says "v0\.0\.1"/m);
    assert.equal(fs.readFileSync(dev, 'utf8'), committed);
    assert.equal(runCli(['check'], { cwd: project.root }).status, 0);
    assert.equal(runCli(['diff'], { cwd: project.root }).status, 0);
    // adopt makes the tag the definition's own.
    const adopt = runCli(['adopt'], { cwd: project.root });
    assert.equal(adopt.status, 0, adopt.stderr);
    assert.match(fs.readFileSync(path.join(project.environments, 'dev.ts'), 'utf8'), /tag: 'v0\.0\.2'/);
    // The next synth records the adopted tag as the definition's; then nothing changes.
    assert.match(runCli(['synth'], { cwd: project.root }).stdout, /1 written, 11 unchanged/);
    assert.match(fs.readFileSync(dev, 'utf8'), /helmflux\.dev\/defined-tags: image\.tag=v0\.0\.2\n/);
    assert.match(runCli(['synth'], { cwd: project.root }).stdout, /0 written, 12 unchanged/);
  });

  it('writes the definition back over a tag the policy refuses', () => {
    const { project, dev } = v2Seed();
    controllerSets(dev, 'develop.helmbasic-develop.chart-image', 'latest');
    const synth = runCli(['synth'], { cwd: project.root });
    assert.match(synth.stdout, /1 written/);
    assert.match(fs.readFileSync(dev, 'utf8'), /^ {6}tag: v0\.0\.1 # \{"\$imagepolicy"/m);
  });
});
