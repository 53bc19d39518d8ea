/**
 * The chart stage against the real thing: `chart pull` with the user's git
 * (the seed's chart repository as a local mirror, reached through
 * `url.<mirror>.insteadOf`, with a branch per environment) and from a Helm
 * repository served over HTTP on 127.0.0.1; `render`, `validate --rendered`,
 * `check` and `diff` running real Helm (v4.1.4, extracted by
 * scripts/helm-binary.js from a pinned npm package). No test reaches the
 * network. Without that Helm (not linux x64) the tests skip, saying why.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { git, REPO, runCli, seedProject, snapshotTree, tempDir, tempProject, environmentSource } from './helpers';

const HELM = path.join(REPO, 'node_modules', '.cache', 'helmflux', 'helm-v4.1.4', 'helm');
const UNAVAILABLE = path.join(path.dirname(HELM), 'unavailable');
const skip = fs.existsSync(HELM) ? false : fs.existsSync(UNAVAILABLE) ? fs.readFileSync(UNAVAILABLE, 'utf8').trim() : 'no Helm: run `node scripts/helm-binary.js` (npm test does)';
if (skip) console.log(`# render tests skipped: ${skip}`);

const FIXTURES = path.join(REPO, 'test', 'fixtures');
const SEED_URL = 'git@github.com:mifonpe/helmflux';

/** The seed's chart repository as a local git repository: master, develop and staging, each with its helmbasics; nginx-ingress on every branch. */
function seedMirror(): string {
  const dir = path.join(tempDir(), 'helmflux.git');
  fs.mkdirSync(dir);
  git(dir, 'init', '-q', '-b', 'master');
  const charts = path.join(FIXTURES, 'seed-charts');
  fs.cpSync(path.join(charts, 'master'), dir, { recursive: true });
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'master');
  for (const branch of ['develop', 'staging']) {
    git(dir, 'checkout', '-q', '-b', branch, 'master');
    fs.rmSync(path.join(dir, 'helmbasics'), { recursive: true });
    fs.cpSync(path.join(charts, branch, 'helmbasics'), path.join(dir, 'helmbasics'), { recursive: true });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', branch, '--allow-empty');
  }
  git(dir, 'checkout', '-q', 'master');
  return dir;
}

describe('charts pulled with git and rendered with real Helm (the seed)', { skip }, () => {
  let mirror: string;
  let project: ReturnType<typeof seedProject>;
  let env: NodeJS.ProcessEnv;
  const cli = (args: string[]) => runCli(args, { cwd: project.root, env });

  before(() => {
    mirror = seedMirror();
    const config = path.join(tempDir(), 'gitconfig');
    // The user's own git configuration reaches the repository: here an insteadOf to the mirror.
    fs.writeFileSync(config, `[url "${mirror}"]\n\tinsteadOf = ${SEED_URL}\n`);
    env = { GIT_CONFIG_GLOBAL: config, HELMFLUX_HELM: HELM };
    project = seedProject();
    assert.equal(cli(['synth']).status, 0);
  });

  it('chart pull vendors helmbasics at its three refs and nginx-ingress, locking each ref to its commit', () => {
    const result = cli(['chart', 'pull']);
    assert.equal(result.status, 0, result.stderr);
    const lock = JSON.parse(fs.readFileSync(path.join(project.root, 'vendor', 'charts.lock.json'), 'utf8')) as { charts: { source: { git: string; path: string; ref: string }; folder: string; commit: string; digest: string }[] };
    const pulled = lock.charts.map((c) => `${c.source.path}@${c.source.ref}`).sort();
    assert.deepEqual(pulled, ['helmbasics@develop', 'helmbasics@master', 'helmbasics@staging', 'nginx-ingress@master']);
    for (const c of lock.charts) {
      assert.equal(c.commit, git(mirror, 'rev-parse', c.source.ref).trim(), `${c.source.ref} is locked to the branch's commit`);
      assert.match(c.digest, /^sha256:[0-9a-f]{64}$/);
      assert.ok(fs.existsSync(path.join(project.root, c.folder, 'Chart.yaml')));
    }
    // develop's chart is develop's: its values name the dev host.
    const develop = lock.charts.find((c) => c.source.ref === 'develop')!;
    assert.match(fs.readFileSync(path.join(project.root, develop.folder, 'values.yaml'), 'utf8'), /mywebserver\.dev\.kubesandclouds\.com/);
    // A second pull keeps what is locked, even after the branch moved; --update moves it.
    git(mirror, 'checkout', '-q', 'develop');
    fs.appendFileSync(path.join(mirror, 'helmbasics', 'values.yaml'), '\n# moved\n');
    git(mirror, 'commit', '-qam', 'moved');
    git(mirror, 'checkout', '-q', 'master');
    const again = cli(['chart', 'pull']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /kept vendor\/charts\/helmflux-helmbasics-develop--[0-9a-f]{8} as locked/);
    assert.equal((JSON.parse(fs.readFileSync(path.join(project.root, 'vendor', 'charts.lock.json'), 'utf8')) as typeof lock).charts.find((c) => c.source.ref === 'develop')!.commit, develop.commit);
    const update = cli(['chart', 'pull', '--update']);
    assert.equal(update.status, 0, update.stderr);
    assert.equal((JSON.parse(fs.readFileSync(path.join(project.root, 'vendor', 'charts.lock.json'), 'utf8')) as typeof lock).charts.find((c) => c.source.ref === 'develop')!.commit, git(mirror, 'rev-parse', 'develop').trim());
  });

  it('a chart source git cannot fetch is exit 2 naming the environment file and field; the lock, vendor/ and dist/ stay as they were', () => {
    const dev = path.join(project.environments, 'dev.ts');
    const text = fs.readFileSync(dev, 'utf8');
    fs.writeFileSync(dev, text.replace("ref: 'develop'", "ref: 'no-such-branch'"));
    const lock = fs.readFileSync(path.join(project.root, 'vendor', 'charts.lock.json'), 'utf8');
    const [vendor, dist] = [snapshotTree(path.join(project.root, 'vendor')), snapshotTree(project.dist)];
    try {
      const result = cli(['chart', 'pull', '--env', 'dev']);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /^environments\/dev\.ts: releases\[0\]\.chart: git@github\.com:mifonpe\/helmflux\/\/helmbasics@no-such-branch: .*git fetch failed: .*no-such-branch.*\. Check the chart source/m);
      assert.equal(fs.readFileSync(path.join(project.root, 'vendor', 'charts.lock.json'), 'utf8'), lock);
      assert.deepEqual(snapshotTree(path.join(project.root, 'vendor')), vendor);
      assert.deepEqual(snapshotTree(project.dist), dist);
    } finally {
      fs.writeFileSync(dev, text);
    }
  });

  it('render --env dev gives the Deployment of the tag dist/ holds, one replica, its Ingress and Secret; --env ingress the controller', () => {
    const dist = snapshotTree(project.dist);
    const result = cli(['render', '--env', 'dev', '--format', 'json']);
    assert.equal(result.status, 0, result.stderr);
    const { objects } = JSON.parse(result.stdout) as { objects: { environment: string; release: string; file: string; template: string; object: { kind: string; metadata: { name: string }; spec: Record<string, any> } }[] };
    const deployment = objects.find((o) => o.object.kind === 'Deployment')!;
    assert.equal(deployment.environment, 'dev');
    assert.equal(deployment.release, 'develop/helmbasic-develop');
    assert.equal(deployment.file, 'environments/dev.ts');
    assert.equal(deployment.template, 'apache/templates/deployment.yaml');
    assert.equal(deployment.object.spec.replicas, 1);
    assert.equal(deployment.object.spec.template.spec.containers[0].image, 'fontanillamiguel/apache:v0.0.1');
    const ingress = objects.find((o) => o.object.kind === 'Ingress')!;
    assert.equal(ingress.object.spec.rules[0].host, 'mywebserver.dev.kubesandclouds.com');
    assert.ok(objects.some((o) => o.object.kind === 'Secret' && o.object.metadata.name === 'helmbasic-develop-secret'));
    const ingressEnv = cli(['render', '--env', 'ingress', '--format', 'json']);
    assert.equal(ingressEnv.status, 0, ingressEnv.stderr);
    const controller = (JSON.parse(ingressEnv.stdout) as { objects: { object: { kind: string; metadata: { name: string } } }[] }).objects.find((o) => o.object.kind === 'Deployment' && o.object.metadata.name === 'nginx-ingress-controller');
    assert.ok(controller, 'the controller Deployment');
    // Renders are cached: the same render again runs Helm for no release. Nothing lands in dist/.
    const cached = cli(['render', '--env', 'dev']);
    assert.match(cached.stderr, /\(0 ran Helm, 1 from the cache\)/);
    assert.deepEqual(snapshotTree(project.dist), dist);
  });

  it('render follows the tag Flux committed into dist/', () => {
    const file = path.join(project.dist, 'releases', 'dev.yaml');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('tag: v0.0.1', 'tag: v0.0.2'));
    try {
      const result = cli(['render', '--env', 'dev', '--format', 'json']);
      assert.equal(result.status, 0, result.stderr);
      const deployment = (JSON.parse(result.stdout) as { objects: { object: { kind: string; spec: any } }[] }).objects.find((o) => o.object.kind === 'Deployment')!;
      assert.equal(deployment.object.spec.template.spec.containers[0].image, 'fontanillamiguel/apache:v0.0.2');
    } finally {
      fs.writeFileSync(file, text);
    }
  });

  it('validate --rendered exits 2 on the v1beta1 Ingress, naming Kubernetes 1.22 and networking.k8s.io/v1; check does too', () => {
    const result = cli(['validate', '--rendered']);
    assert.equal(result.status, 2, result.stdout);
    assert.match(result.stderr, /^environments\/dev\.ts: develop\/helmbasic-develop: Ingress develop\/helmbasic-develop-ingress \(from apache\/templates\/ingress\.yaml\): networking\.k8s\.io\/v1beta1 Ingress is no longer served: Kubernetes 1\.22 removed it \(kubernetesVersion is 1\.33\)\. Use networking\.k8s\.io\/v1/m);
    const check = cli(['check']);
    assert.equal(check.status, 2, check.stdout + check.stderr);
    assert.match(check.stderr, /Kubernetes 1\.22 removed it/);
    // For a cluster of 1.21 the seed's charts are valid (every object, strictly).
    const settings = path.join(project.root, 'helmflux.settings.ts');
    const text = fs.readFileSync(settings, 'utf8');
    fs.writeFileSync(settings, text.replace("flux: 'v1',", "flux: 'v1',\n  kubernetesVersion: '1.21',"));
    try {
      const old = cli(['validate', '--rendered']);
      assert.equal(old.status, 0, old.stderr);
      assert.match(old.stdout, /valid for Kubernetes 1\.21/);
    } finally {
      fs.writeFileSync(settings, text);
    }
  });

  it('diff shows the rendered Deployment going 3 → 4 replicas, a new environment\'s Secret as added, never a stringData value', () => {
    const pro = path.join(project.environments, 'pro.ts');
    const text = fs.readFileSync(pro, 'utf8');
    assert.match(text, /replicaCount: 3/);
    fs.writeFileSync(pro, text.replace('replicaCount: 3', 'replicaCount: 4'));
    fs.writeFileSync(path.join(project.environments, 'qa.ts'), text.replace(/production/g, 'qa').replace('mywebserver.pro.', 'mywebserver.qa.'));
    assert.equal(cli(['chart', 'pull']).status, 0);
    const dist = snapshotTree(project.dist);
    const json = cli(['diff', '--format', 'json']);
    assert.equal(json.status, 1, json.stderr);
    const report = JSON.parse(json.stdout) as { changes: { kind: string; name: string; rendered?: { kind: string; name: string; change: string; fields: { path: (string | number)[]; before?: unknown; after?: unknown }[] }[] }[]; renderProblems: { message: string }[] };
    const production = report.changes.find((c) => c.kind === 'HelmRelease' && c.name === 'helmbasic-production')!;
    const deployment = production.rendered!.find((r) => r.kind === 'Deployment')!;
    assert.equal(deployment.change, 'changed');
    assert.deepEqual(deployment.fields, [{ path: ['spec', 'replicas'], before: 3, after: 4 }]);
    const qa = report.changes.find((c) => c.kind === 'HelmRelease' && c.name === 'helmbasic-qa')!;
    assert.deepEqual(qa.rendered!.find((r) => r.kind === 'Secret'), { apiVersion: 'v1', kind: 'Secret', namespace: 'qa', name: 'helmbasic-qa-secret', change: 'added', template: 'apache/templates/secret.yaml', fields: [] });
    // diff never fails on what the cluster would refuse: it lists it.
    assert.ok(report.renderProblems.some((p) => /Kubernetes 1\.22 removed it/.test(p.message)));
    for (const format of ['text', 'markdown', 'json']) {
      const out = cli(['diff', '--format', format, '--unified']);
      for (const secret of ['kub358c10ud5', 'kubes&clouds', 'kubes&amp;clouds']) assert.ok(!out.stdout.includes(secret) && !out.stderr.includes(secret), `${format} prints ${secret}`);
    }
    const masterCommit = git(mirror, 'rev-parse', 'master').trim().slice(0, 12);
    assert.match(cli(['diff']).stdout, new RegExp(`rendered from git@github\\.com:mifonpe\\/helmflux\\/\\/helmbasics@master at ${masterCommit} \\(locked in vendor\\/charts\\.lock\\.json; chart pull --update moves it\\)\\n\\s+rendered changed Deployment production\\/apache-deployment \\(apache\\/templates\\/deployment\\.yaml\\)\\n\\s+spec\\.replicas: 3 → 4`));
    // status shows what the lock pins beside each ref.
    const status = JSON.parse(cli(['status', '--format', 'json']).stdout) as { rows: { release: string; locked: string | null }[] };
    assert.equal(status.rows.find((r) => r.release === 'helmbasic-production')!.locked, git(mirror, 'rev-parse', 'master').trim());
    assert.match(cli(['status']).stdout, new RegExp(`production\\s+helmbasic-production\\s+git@github\\.com:mifonpe\\/helmflux helmbasics\\s+master \\(locked ${masterCommit}\\)`));
    assert.deepEqual(snapshotTree(project.dist), dist, 'diff writes nothing');
    fs.writeFileSync(pro, text);
    fs.rmSync(path.join(project.environments, 'qa.ts'));
  });

  it('check reports a chart source the lock lacks and vendored files that no longer match the lock (exit 1, naming the fix)', () => {
    const lock = JSON.parse(fs.readFileSync(path.join(project.root, 'vendor', 'charts.lock.json'), 'utf8')) as { charts: { folder: string; source: { ref: string } }[] };
    const master = lock.charts.find((c) => c.source.ref === 'master' && c.folder.includes('helmbasics'))!;
    const values = path.join(project.root, master.folder, 'values.yaml');
    const original = fs.readFileSync(values, 'utf8');
    // The seed's charts are not valid for 1.33 (exit 2 wins over drift): check a cluster they are valid for.
    const settings = path.join(project.root, 'helmflux.settings.ts');
    const text = fs.readFileSync(settings, 'utf8');
    fs.writeFileSync(settings, text.replace("flux: 'v1',", "flux: 'v1',\n  kubernetesVersion: '1.21',"));
    try {
      assert.equal(cli(['check']).status, 0, cli(['check']).stderr);
      fs.appendFileSync(values, '\nreplicaCount: 9\n');
      const edited = cli(['check']);
      assert.equal(edited.status, 1, edited.stderr);
      assert.match(edited.stderr, new RegExp(`${master.folder.replace(/[.-]/g, '\\$&')}: its files no longer match the digest in vendor/charts\\.lock\\.json .*run helmflux chart pull`));
      fs.writeFileSync(values, original);
      assert.equal(cli(['check']).status, 0);
      // An environment moves to a ref nobody pulled.
      const dev = path.join(project.environments, 'dev.ts');
      const devText = fs.readFileSync(dev, 'utf8');
      fs.writeFileSync(dev, devText.replace("ref: 'develop'", "ref: 'staging'"));
      try {
        assert.equal(cli(['synth']).status, 0);
        const missing = cli(['check', '--env', 'stg']);
        assert.equal(missing.status, 0, 'the lock has staging: nothing is missing');
        fs.writeFileSync(dev, devText.replace("ref: 'develop'", "ref: 'feature/x'"));
        assert.equal(cli(['synth']).status, 0);
        const unpulled = cli(['check']);
        assert.equal(unpulled.status, 1, unpulled.stderr);
        assert.match(unpulled.stderr, /environments\/dev\.ts: chart git@github\.com:mifonpe\/helmflux\/\/helmbasics@feature\/x is not in vendor\/charts\.lock\.json: run helmflux chart pull/);
      } finally {
        fs.writeFileSync(dev, devText);
        assert.equal(cli(['synth']).status, 0);
      }
    } finally {
      fs.writeFileSync(settings, text);
    }
  });
});

describe('a chart from a Helm repository over HTTP, rendered and checked with real Helm', { skip }, () => {
  let server: http.Server;
  let url: string;
  let project: ReturnType<typeof tempProject>;
  const env = () => ({ HELMFLUX_HELM: HELM });

  before(async () => {
    // The repository: the fixture chart packaged and indexed by Helm itself.
    const repo = tempDir();
    const { execFileSync } = await import('node:child_process');
    execFileSync(HELM, ['package', path.join(FIXTURES, 'charts', 'webapp'), '-d', repo]);
    execFileSync(HELM, ['package', path.join(FIXTURES, 'charts', 'webapp', 'charts', 'sidecar'), '-d', repo]);
    server = http.createServer((req, res) => {
      const file = path.join(repo, path.basename(req.url ?? ''));
      if (!fs.existsSync(file)) return void res.writeHead(404).end();
      res.writeHead(200).end(fs.readFileSync(file));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/charts`;
    execFileSync(HELM, ['repo', 'index', repo, '--url', url]);
    const release = (name: string, extra: Record<string, unknown> = {}) => ({ name, chart: { repository: url, name: 'webapp', version: '1.0.0' }, ...extra });
    project = tempProject({
      'web.ts': environmentSource({ namespace: { name: 'web' }, releases: [release('shop', { values: { replicaCount: 2, motd: 'hunter2-shop' } }), release('blog', { skipCRDs: true, test: { enable: true } })] }),
    });
    fs.writeFileSync(path.join(project.root, 'helmflux.settings.ts'), "import { defineSettings } from 'helmflux';\n\nexport default defineSettings({ chartsGitUrl: 'git@github.com:org/charts' });\n");
    const synth = runCli(['synth'], { cwd: project.root });
    assert.equal(synth.status, 0, synth.stderr);
    // chart pull in this process: the server answers while it awaits.
    const { chartPull } = await import('../src/commands/render');
    const lines: string[] = [];
    await chartPull({ cwd: project.root, progress: (l) => lines.push(l) });
    assert.deepEqual(lines.filter((l) => l.startsWith('fetching')), [`fetching ${url} webapp 1.0.0`]);
  });

  after(() => server?.close());

  it('vendors a git chart at two refs with one fetch, and its dependency from the Helm repository (helm dependency build)', async () => {
    const source = path.join(tempDir(), 'consumer.git');
    fs.mkdirSync(path.join(source, 'charts', 'consumer', 'templates'), { recursive: true });
    git(source, 'init', '-q', '-b', 'main');
    const chartYaml = (version: string) => `apiVersion: v2\nname: consumer\nversion: ${version}\ndependencies:\n  - name: sidecar\n    version: 0.1.0\n    repository: ${url}\n`;
    fs.writeFileSync(path.join(source, 'charts', 'consumer', 'Chart.yaml'), chartYaml('1.0.0'));
    fs.writeFileSync(path.join(source, 'charts', 'consumer', 'templates', 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ .Release.Name }}-consumer\n');
    git(source, 'add', '-A');
    git(source, 'commit', '-qm', 'main');
    git(source, 'checkout', '-q', '-b', 'next');
    fs.writeFileSync(path.join(source, 'charts', 'consumer', 'Chart.yaml'), chartYaml('1.1.0'));
    git(source, 'commit', '-qam', 'next');
    const config = path.join(tempDir(), 'gitconfig');
    fs.writeFileSync(config, `[url "${source}"]\n\tinsteadOf = git@example.com:org/consumer\n`);
    const release = (name: string, ref: string) => ({ name, chart: { git: 'git@example.com:org/consumer', path: 'charts/consumer', ref } });
    fs.writeFileSync(path.join(project.environments, 'consumer.ts'), environmentSource({ namespace: { name: 'consumer' }, releases: [release('stable', 'main'), release('preview', 'next')] }));
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const saved = { git: process.env.GIT_CONFIG_GLOBAL, helm: process.env.HELMFLUX_HELM };
    Object.assign(process.env, { GIT_CONFIG_GLOBAL: config, HELMFLUX_HELM: HELM });
    const lines: string[] = [];
    try {
      const { chartPull } = await import('../src/commands/render');
      await chartPull({ cwd: project.root, environments: ['consumer'], progress: (l) => lines.push(l) });
    } finally {
      for (const [key, value] of [['GIT_CONFIG_GLOBAL', saved.git], ['HELMFLUX_HELM', saved.helm]] as const) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
    assert.deepEqual(lines.filter((l) => l.startsWith('fetching')), ['fetching git@example.com:org/consumer (main, next)']);
    const lock = JSON.parse(fs.readFileSync(path.join(project.root, 'vendor', 'charts.lock.json'), 'utf8')) as { charts: { source: { ref?: string }; folder: string; commit?: string }[] };
    assert.equal(lock.charts.length, 3, 'the webapp entry is kept: --env pulled only consumer');
    for (const ref of ['main', 'next']) {
      const entry = lock.charts.find((c) => c.source.ref === ref)!;
      assert.equal(entry.commit, git(source, 'rev-parse', ref).trim());
      assert.ok(fs.existsSync(path.join(project.root, entry.folder, 'charts', 'sidecar-0.1.0.tgz')), `${ref}: the dependency is vendored`);
    }
    const rendered = runCli(['render', '--env', 'consumer', '--format', 'json'], { cwd: project.root, env: env() });
    assert.equal(rendered.status, 0, rendered.stderr);
    assert.deepEqual((JSON.parse(rendered.stdout) as { objects: { object: { metadata: { name: string } } }[] }).objects.map((o) => o.object.metadata.name).sort(), ['consumer-preview-consumer', 'consumer-preview-sidecar', 'consumer-stable-consumer', 'consumer-stable-sidecar']);
    fs.rmSync(path.join(project.environments, 'consumer.ts'));
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
  });

  it('locks the archive digest the index lists, and renders offline: CRDs unless skipped, test hooks only with test.enable, other hooks marked, the dependency', async () => {
    const lock = JSON.parse(fs.readFileSync(path.join(project.root, 'vendor', 'charts.lock.json'), 'utf8')) as { charts: { archiveDigest?: string; folder: string }[] };
    const webapp = lock.charts.filter((c) => c.archiveDigest !== undefined);
    assert.equal(webapp.length, 1);
    assert.match(webapp[0].archiveDigest!, /^sha256:[0-9a-f]{64}$/);
    server.close(); // offline from here
    const result = runCli(['render', '--format', 'json'], { cwd: project.root, env: env() });
    assert.equal(result.status, 0, result.stderr);
    const objects = (JSON.parse(result.stdout) as { objects: { release: string; template: string; hook?: string; object: { kind: string; metadata: { name: string } } }[] }).objects;
    const of = (release: string) => objects.filter((o) => o.release === `web/${release}`).map((o) => `${o.object.kind}/${o.object.metadata.name}${o.hook ? ` (hook ${o.hook})` : ''}`).sort();
    assert.deepEqual(of('shop'), [
      'ConfigMap/web-shop-config',
      'ConfigMap/web-shop-sidecar',
      'CustomResourceDefinition/widgets.example.com',
      'Deployment/web-shop',
      'Ingress/web-shop',
      'Job/web-shop-migrate (hook pre-upgrade)',
      'Secret/web-shop-credentials',
      'Service/web-shop',
      'Widget/web-shop',
    ]);
    assert.deepEqual(of('blog'), [
      'ConfigMap/web-blog-config',
      'ConfigMap/web-blog-sidecar',
      'Deployment/web-blog',
      'Ingress/web-blog',
      'Job/web-blog-migrate (hook pre-upgrade)',
      'Pod/web-blog-test (hook test)',
      'Secret/web-blog-credentials',
      'Service/web-blog',
      'Widget/web-blog',
    ]);
    assert.equal(objects.find((o) => o.template === 'webapp/charts/sidecar/templates/configmap.yaml')?.object.kind, 'ConfigMap');
    const valid = runCli(['validate', '--rendered', '--json'], { cwd: project.root, env: env() });
    assert.equal(valid.status, 0, valid.stderr);
    const report = JSON.parse(valid.stdout) as { valid: boolean; unchecked: string[]; rendered: number };
    // blog skips CRDs: its Widget has no schema here, and is listed as unchecked; shop's Widget is checked against the chart's CRD.
    assert.deepEqual(report.unchecked, ['Widget web/web-blog (example.com/v1)']);
    assert.equal(report.rendered, objects.length - 1);
  });

  it('never reads a values file outside the chart, whatever dist/ says', () => {
    const file = path.join(project.dist, 'releases', 'web.yaml');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace(/^(\s+)values:/m, '$1valuesFrom:\n$1  - chartFileRef:\n$1      path: ../../../../../etc/passwd\n$1values:'));
    try {
      const result = runCli(['render', '--release', 'shop'], { cwd: project.root, env: env() });
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, /web\/shop: its values file "\.\.\/\.\.\/\.\.\/\.\.\/\.\.\/etc\/passwd" is outside the chart\./);
    } finally {
      fs.writeFileSync(file, text);
    }
  });

  it('validate --rendered refuses an unknown field (strict, as the API server) and a custom resource its CRD refuses', () => {
    const file = path.join(project.environments, 'web.ts');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('"replicaCount": 2,', '"replicaCount": 2, "extraPodSpec": { "hostNetwrk": true }, "widget": { "size": "big" },'));
    try {
      assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
      const result = runCli(['validate', '--rendered'], { cwd: project.root, env: env() });
      assert.equal(result.status, 2, result.stdout);
      assert.match(result.stderr, /web\/shop: Deployment web\/web-shop \(from webapp\/templates\/deployment\.yaml\): is not a valid apps\/v1 Deployment: spec\.template\.spec: unknown field "hostNetwrk"/);
      assert.match(result.stderr, /web\/shop: Widget web\/web-shop \(from webapp\/templates\/widget\.yaml\): is not a valid example\.com\/v1 Widget: spec\.size: must be integer/);
      assert.doesNotMatch(result.stderr, /web\/blog/);
    } finally {
      fs.writeFileSync(file, text);
      runCli(['synth'], { cwd: project.root });
    }
  });

  it('diff: a value no template reads has no effect; a Secret change is masked', () => {
    const file = path.join(project.environments, 'web.ts');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('"replicaCount": 2,', '"replicaCount": 2, "unused": 7,').replace('"motd": "hunter2-shop"', '"motd": "hunter3-shop"'));
    try {
      const json = runCli(['diff', '--format', 'json'], { cwd: project.root, env: env() });
      assert.equal(json.status, 1, json.stderr);
      const shop = (JSON.parse(json.stdout) as { changes: { name: string; rendered: { kind: string; fields: { path: string[]; masked?: string; before?: unknown }[] }[] }[] }).changes.find((c) => c.name === 'shop')!;
      assert.deepEqual(shop.rendered.map((r) => r.kind), ['Secret']);
      assert.deepEqual(shop.rendered[0].fields, [{ path: ['stringData'], masked: 'changed' }]);
      // The value is no secret (motd), so the HelmRelease's change shows it; the Secret the chart makes of it never does.
      for (const format of ['text', 'markdown', 'json']) {
        const out = runCli(['diff', '--format', format], { cwd: project.root, env: env() }).stdout;
        const lines = out.split('\n').filter((l) => l.includes('hunter'));
        assert.ok(lines.length > 0 && lines.every((l) => /motd/.test(l) || /"(before|after)": "hunter\d-shop"/.test(l)), `${format}: ${lines.join('\n')}`);
      }
      fs.writeFileSync(file, text.replace('"replicaCount": 2,', '"replicaCount": 2, "unused": 7,'));
      const none = runCli(['diff'], { cwd: project.root, env: env() });
      assert.match(none.stdout, /spec\.values\.unused: \(new\) 7\n\s+rendered from http:\/\/127\.0\.0\.1:\d+\/charts webapp 1\.0\.0 at sha256:[0-9a-f]{12} \(locked in vendor\/charts\.lock\.json; chart pull --update moves it\)\n\s+rendered: no effect on the rendered objects/);
    } finally {
      fs.writeFileSync(file, text);
    }
  });

  it('a release whose valuesFrom Secret the chart needs: a warning naming the entry, then rendered with its renderValues (never written to dist/)', () => {
    const api = (extra: Record<string, unknown>) =>
      environmentSource({ namespace: { name: 'api' }, releases: [{ name: 'api', chart: { repository: url, name: 'webapp', version: '1.0.0' }, values: { database: { enabled: true } }, valuesFrom: [{ secretKeyRef: { name: 'api-database' } }], ...extra }] });
    const file = path.join(project.environments, 'api.ts');
    fs.writeFileSync(file, api({}));
    try {
      assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
      const without = runCli(['render', '--env', 'api'], { cwd: project.root, env: env() });
      assert.equal(without.status, 0, without.stderr);
      assert.match(without.stderr, /^environments\/api\.ts: api\/api: warning: helm template failed: execution error at \(webapp\/templates\/database\.yaml:7:11\): database\.host is required: the release's valuesFrom Secret holds it \(it reads valuesFrom\[0\]: Secret api-database, which cannot be read offline\)\. Give the release renderValues/m);
      fs.writeFileSync(file, api({ renderValues: { database: { host: 'db.placeholder' } } }));
      assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
      assert.doesNotMatch(fs.readFileSync(path.join(project.dist, 'releases', 'api.yaml'), 'utf8'), /placeholder|renderValues/);
      const withPlaceholders = runCli(['render', '--env', 'api', '--format', 'json'], { cwd: project.root, env: env() });
      assert.equal(withPlaceholders.status, 0, withPlaceholders.stderr);
      assert.doesNotMatch(withPlaceholders.stderr, /warning/);
      const database = (JSON.parse(withPlaceholders.stdout) as { objects: { object: { metadata: { name: string }; data?: Record<string, string> } }[] }).objects.find((o) => o.object.metadata.name === 'api-api-database');
      assert.deepEqual(database?.object.data, { host: 'db.placeholder' });
      // --write-to: one file per release, the YAML naming where each object comes from.
      const out = path.join(tempDir(), 'rendered');
      const written = runCli(['render', '--env', 'api', '--write-to', out], { cwd: project.root, env: env() });
      assert.equal(written.status, 0, written.stderr);
      const yaml = fs.readFileSync(path.join(out, 'api', 'api.yaml'), 'utf8');
      assert.match(yaml, /^---\n# environment: api \(environments\/api\.ts\)\n# release: api\/api\n# template: webapp\/crds\/widgets\.yaml\napiVersion: apiextensions\.k8s\.io\/v1\n/);
      assert.match(yaml, /# hook: pre-upgrade/);
    } finally {
      fs.rmSync(file);
      runCli(['synth'], { cwd: project.root });
    }
  });

  it('without Helm, render says how to install it (exit 2) and diff says rendered changes are not shown', () => {
    const noHelm = { HELMFLUX_HELM: '', PATH: path.dirname(process.execPath) + ':/usr/bin:/bin' };
    const result = runCli(['render'], { cwd: project.root, env: noHelm });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /helm: \(PATH\): is not installed: rendering charts runs real Helm\. Install Helm 3 or 4/);
    const file = path.join(project.environments, 'web.ts');
    const text = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, text.replace('"replicaCount": 2,', '"replicaCount": 3,'));
    try {
      assert.match(runCli(['diff'], { cwd: project.root, env: noHelm }).stdout, /rendered objects not shown: helm is not installed/);
    } finally {
      fs.writeFileSync(file, text);
    }
  });
});

describe('without pulled charts', () => {
  it('render names the missing lock and the fix (exit 2); diff says how to see rendered changes; check is unaffected', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const render = runCli(['render'], { cwd: project.root });
    assert.equal(render.status, 2);
    assert.match(render.stderr, /^vendor\/charts\.lock\.json: \(file\): does not exist: no charts are pulled, so nothing can be rendered\. Run helmflux chart pull/m);
    assert.equal(runCli(['check'], { cwd: project.root }).status, 0);
    const pro = path.join(project.environments, 'pro.ts');
    fs.writeFileSync(pro, fs.readFileSync(pro, 'utf8').replace('replicaCount: 3', 'replicaCount: 4'));
    assert.match(runCli(['diff'], { cwd: project.root }).stdout, /rendered objects not shown: no charts are pulled: run helmflux chart pull/);
  });
});

describe('rendered changes, compared', () => {
  const object = (kind: string, name: string, extra: Record<string, unknown>) => ({
    environment: 'dev',
    release: 'web/shop',
    file: 'environments/dev.ts',
    template: `webapp/templates/${kind.toLowerCase()}.yaml`,
    identity: `v1|${kind}|web|${name}`,
    object: { apiVersion: 'v1', kind, metadata: { name, namespace: 'web', ...extra } },
  });
  it('an object whose only change is the chart version label or a checksum annotation is one line; a CRD change is marked as not upgraded', async () => {
    const { reviewRendered, renderedTextLines } = await import('../src/render/review');
    const before = [object('ConfigMap', 'a', { labels: { 'helm.sh/chart': 'webapp-1.0.0' } }), object('Service', 'b', { annotations: { 'checksum/config': '1' } }), object('CustomResourceDefinition', 'w', { labels: { x: '1' } })];
    const after = [object('ConfigMap', 'a', { labels: { 'helm.sh/chart': 'webapp-1.0.1' } }), object('Service', 'b', { annotations: { 'checksum/config': '2' } }), object('CustomResourceDefinition', 'w', { labels: { x: '2' } })];
    const byRelease = reviewRendered(before, after);
    const changes = byRelease.get('dev|web/shop')!;
    assert.deepEqual(changes.map((c) => [c.kind, c.routine]), [['ConfigMap', true], ['CustomResourceDefinition', false], ['Service', true]]);
    assert.match(changes[1].note ?? '', /never upgrades/);
    const section = { byRelease, rendered: new Set(['dev|web/shop']), problems: [], failures: [] };
    const change = { environment: 'dev', file: 'releases/dev.yaml', apiVersion: 'helm.fluxcd.io/v1', kind: 'HelmRelease', namespace: 'web', name: 'shop', change: 'changed' as const, destructive: false, reason: '', fields: [] };
    const lines = renderedTextLines(section, change, (f) => `${f.path.join('.')}`);
    assert.deepEqual(lines, [
      'rendered changed CustomResourceDefinition web/w (webapp/templates/customresourcedefinition.yaml): Helm installs a chart\'s CRDs (crds/) once and never upgrades or deletes them: this change is not applied to a release already installed',
      '  metadata.labels.x',
      "rendered: 2 objects change only in the chart's version label (helm.sh/chart) or checksum/* annotations: ConfigMap web/a, Service web/b",
    ]);
  });
});

describe('rendered objects checked for the cluster', () => {
  const rendered = (object: Record<string, unknown>, template = 'c/templates/x.yaml') => ({
    environment: 'dev',
    release: 'web/shop',
    file: 'environments/dev.ts',
    template,
    identity: `${String(object.apiVersion)}|${String(object.kind)}|${(object.metadata as { namespace?: string }).namespace ?? ''}|${String((object.metadata as { name: string }).name)}`,
    object,
  });
  const crd = rendered({
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      names: { kind: 'Widget', plural: 'widgets' },
      scope: 'Namespaced',
      versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { label: { type: 'string', pattern: '^(a+)+$' } } } } } } }],
    },
  }, 'c/crds/widgets.yaml');

  it("runs a chart CRD's patterns in linear time (RE2, as the API server does): a backtracking pattern cannot hang validation", async () => {
    const { checkRendered } = await import('../src/render/check');
    const widget = rendered({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w', namespace: 'web' }, spec: { label: `${'a'.repeat(5000)}!` } });
    const result = checkRendered([crd, widget], '1.33');
    assert.deepEqual(result.problems.map((p) => [p.object, p.message]), [['Widget web/w', 'is not a valid example.com/v1 Widget: spec.label: must match pattern "^(a+)+$"']]);
    assert.equal(checkRendered([crd, rendered({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' }, spec: { label: 'aaa' } })], '1.33').problems.length, 0);
  });

  it('names the version that stopped serving an API and its replacement; an API not served yet; an unknown field', async () => {
    const { checkRendered } = await import('../src/render/check');
    const objects = [
      rendered({ apiVersion: 'policy/v1beta1', kind: 'PodSecurityPolicy', metadata: { name: 'psp' }, spec: {} }),
      rendered({ apiVersion: 'batch/v1beta1', kind: 'CronJob', metadata: { name: 'c', namespace: 'web' }, spec: {} }),
      rendered({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'm', namespace: 'web', creationTimestamp: null }, data: { a: 'b' }, extra: 1 }),
    ];
    const messages = checkRendered(objects, '1.33').problems.map((p) => `${p.object}: ${p.message}. ${p.fix}`);
    assert.deepEqual(messages, [
      'PodSecurityPolicy psp: policy/v1beta1 PodSecurityPolicy is no longer served: Kubernetes 1.25 removed it (kubernetesVersion is 1.33). Use Pod Security Admission (no API object: namespace labels) in the chart (a newer chart version, or its template), or set kubernetesVersion to the cluster\'s real version.',
      'CronJob web/c: batch/v1beta1 CronJob is no longer served: Kubernetes 1.25 removed it (kubernetesVersion is 1.33). Use batch/v1 in the chart (a newer chart version, or its template), or set kubernetesVersion to the cluster\'s real version.',
      'ConfigMap web/m: is not a valid v1 ConfigMap: (object): unknown field "extra". Fix the values the chart renders it from (or the chart).',
    ]);
    const early = checkRendered([rendered({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'web' }, spec: {} })], '1.22').problems;
    assert.match(early[0].message, /^autoscaling\/v2 HorizontalPodAutoscaler is not served yet: Kubernetes 1\.23 added it \(kubernetesVersion is 1\.22\)$/);
    const { servedApiVersions } = await import('../src/render/kubernetes');
    assert.ok(servedApiVersions('1.21').includes('networking.k8s.io/v1beta1/Ingress'));
    assert.ok(!servedApiVersions('1.22').includes('networking.k8s.io/v1beta1'));
    assert.ok(servedApiVersions('1.33').includes('networking.k8s.io/v1/Ingress'));
  });
});
