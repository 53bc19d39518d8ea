/**
 * The README's promises against careless and hostile environment files,
 * through the real CLI, for what the bad-input corpus cannot express (more
 * than one run, the synth cache, threads, timing, concurrent synths, folder
 * names). Each test names the defect of the hardening issue it holds.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { BIN, environmentSource, runCli, snapshotTree, tempProject } from './helpers';

const gitChart = { git: 'git@github.com:org/charts', path: 'charts/web', ref: 'main' };
const repoChart = { repository: 'https://charts.example.com', name: 'web', version: '1.0.0' };
const docs = (file: string) => YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());

describe('hardening', () => {
  it('reads a chart source once: a key present but undefined is absent, for validation and rendering alike (1)', () => {
    const project = tempProject({
      'dev.ts': `import { defineEnvironment } from 'helmflux';
const repoChart = ${JSON.stringify(repoChart)};
const gitChart = ${JSON.stringify(gitChart)};
export default defineEnvironment({
  namespace: { name: 'develop', labels: undefined },
  releases: [
    { name: 'a', chart: { ...repoChart, git: undefined } as any, releaseName: undefined },
    { name: 'b', chart: { ...gitChart, repository: undefined, version: undefined } as any, flux: undefined },
  ],
});
`,
    });
    const result = runCli(['synth'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    const [a, b] = docs(path.join(project.dist, 'releases', 'dev.yaml'));
    assert.deepEqual(a.spec.chart, repoChart);
    assert.deepEqual(b.spec.chart, gitChart);
    assert.equal(docs(path.join(project.dist, 'namespaces', 'dev.yaml'))[0].metadata.labels, undefined);
  });

  it('gives each environment file its own copy of a shared module: one cannot change what another imports (3)', () => {
    const project = tempProject({
      'a.ts': "import { defineEnvironment } from 'helmflux';\nimport { defaults } from '../common/defaults';\n(defaults as any).replicas = 99;\nexport default defineEnvironment({ namespace: { name: 'a' } });\n",
      'b.ts': "import { defineEnvironment } from 'helmflux';\nimport { defaults } from '../common/defaults';\nexport default defineEnvironment({ namespace: { name: 'b' }, releases: [{ name: 'web', chart: " + JSON.stringify(gitChart) + ', values: { ...defaults } }] });\n',
    });
    fs.mkdirSync(path.join(project.root, 'common'));
    fs.writeFileSync(path.join(project.root, 'common', 'defaults.ts'), 'export const defaults = { replicas: 1 };\n');
    for (const args of [['synth', '--no-cache'], ['synth']]) {
      const result = runCli(args, { cwd: project.root });
      assert.equal(result.status, 0, result.stderr);
      assert.deepEqual(docs(path.join(project.dist, 'releases', 'b.yaml'))[0].spec.values, { replicas: 1 });
    }
  });

  it('never hands a non-plain object on (its getters would run again, outside the guard), and a BigInt setting is bad input (8)', () => {
    const project = tempProject({
      'dev.ts': "let n = 0;\nclass NS { get name(): string { return ++n <= 1 ? 'develop' : 'kube-system'; } }\nexport default { namespace: new NS() };\n",
    });
    const result = runCli(['synth'], { cwd: project.root });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^environments\/dev\.ts: namespace: is a NS object, not plain data\. Use a plain object literal/m);
    assert.deepEqual([...snapshotTree(project.dist).keys()], []);
    fs.writeFileSync(path.join(project.root, 'helmflux.settings.ts'), "export default { chartsGitUrl: 1n };\n");
    const bigint = runCli(['validate'], { cwd: project.root });
    assert.equal(bigint.status, 2, bigint.stderr);
    assert.match(bigint.stderr, /^helmflux\.settings\.ts: chartsGitUrl: 1n is not a git URL\./m);
  });

  it('sees a change of which file an import resolves to, and reruns the environment (4)', () => {
    const project = tempProject({
      'dev.ts': "import { defineEnvironment } from 'helmflux';\nimport { replicas } from '../common';\nexport default defineEnvironment({ namespace: { name: 'develop' }, releases: [{ name: 'web', chart: " + JSON.stringify(gitChart) + ', values: { replicas } }] });\n',
    });
    fs.mkdirSync(path.join(project.root, 'common'));
    fs.writeFileSync(path.join(project.root, 'common', 'index.ts'), 'export const replicas = 1;\n');
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    // common.ts now wins over common/index.ts: the import resolves elsewhere, with no file the cache knew changing
    fs.writeFileSync(path.join(project.root, 'common.ts'), 'export const replicas = 2;\n');
    const check = runCli(['check'], { cwd: project.root });
    assert.equal(check.status, 1, check.stdout);
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    assert.equal(docs(path.join(project.dist, 'releases', 'dev.yaml'))[0].spec.values.replicas, 2);
  });

  it('imports JSON files, caches them by their bytes, and names a broken one (7)', () => {
    const project = tempProject({
      'dev.ts': "import { defineEnvironment } from 'helmflux';\nimport sizes from './sizes.json';\nexport default defineEnvironment({ namespace: { name: 'develop' }, releases: [{ name: 'web', chart: " + JSON.stringify(gitChart) + ', values: sizes }] });\n',
    });
    fs.writeFileSync(path.join(project.environments, 'sizes.json'), '{ "replicas": 3 }\n');
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    assert.deepEqual(docs(path.join(project.dist, 'releases', 'dev.yaml'))[0].spec.values, { replicas: 3 });
    fs.writeFileSync(path.join(project.environments, 'sizes.json'), '{ "replicas": 4 }\n');
    assert.match(runCli(['synth'], { cwd: project.root }).stdout, /^wrote dist\/releases\/dev\.yaml$/m);
    assert.deepEqual(docs(path.join(project.dist, 'releases', 'dev.yaml'))[0].spec.values, { replicas: 4 });
    fs.writeFileSync(path.join(project.environments, 'sizes.json'), '{ "replicas": ');
    const broken = runCli(['synth'], { cwd: project.root });
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /^environments\/dev\.ts: \(file\): failed to load: environments\/sizes\.json is not valid JSON/m);
    assert.ok(!broken.stderr.includes(project.root), 'no machine path');
  });

  it('takes an environment file named constructor.ts as any other (8)', () => {
    const project = tempProject({ 'constructor.ts': environmentSource({ namespace: { name: 'constructor' }, releases: [{ name: 'web', chart: gitChart }] }) });
    const result = runCli(['synth'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(docs(path.join(project.dist, 'releases', 'constructor.yaml'))[0].metadata.namespace, 'constructor');
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0, 'and from the cache');
  });

  it('stops a file that never finishes loading, naming it (9)', () => {
    const project = tempProject({
      'a.ts': 'while (true) {}\n',
      'b.ts': environmentSource({ namespace: { name: 'b' } }),
    });
    const started = Date.now();
    const result = runCli(['synth'], { cwd: project.root, env: { HELMFLUX_LOAD_TIMEOUT_MS: '300' } });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^environments\/a\.ts: \(file\): failed to load: did not finish loading within 0\.3 s \(an endless loop\?\)\./m);
    assert.ok(Date.now() - started < 10_000);
    assert.deepEqual([...snapshotTree(project.dist).keys()], []);
  });

  it('ends when the work is done, whatever a file left scheduled (9)', () => {
    const project = tempProject({
      'dev.ts': `import { defineEnvironment } from 'helmflux';
import * as fs from 'node:fs';
Promise.resolve().then(() => fs.writeFileSync('dist/releases/late.yaml', 'kind: Secret\\n'));
export default defineEnvironment({ namespace: { name: 'develop' } });
`,
    });
    const result = runCli(['synth'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(fs.existsSync(path.join(project.dist, 'releases', 'late.yaml')), false);
  });

  it('makes process.exit() on a worker thread a problem naming the file, never a hang (9)', () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 600; i++) files[`env-${String(i).padStart(4, '0')}.ts`] = environmentSource({ namespace: { name: `env-${i}` } });
    files['env-0599.ts'] = "process.exit(0);\nexport default { namespace: { name: 'last' } };\n";
    const project = tempProject(files);
    const result = spawnSync(process.execPath, [BIN, 'synth', '--no-cache'], { cwd: project.root, encoding: 'utf8', timeout: 60_000 });
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^environments\/env-0599\.ts: \(file\): failed to load: called process\.exit\(\), which would end helmflux without a result/m);
  });

  it('escapes an environments folder name that holds a line break in every header (11)', () => {
    const project = tempProject({});
    const folder = path.join(project.root, 'env\nkind: Secret');
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, 'dev.ts'), environmentSource({ namespace: { name: 'develop' } }));
    const result = runCli(['synth', '--environments', folder], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    const text = fs.readFileSync(path.join(project.dist, 'namespaces', 'dev.yaml'), 'utf8');
    assert.equal(text.split('\n')[1], '# Generated by helmflux from env\\u000akind: Secret/dev.ts: do not edit by hand; edit that file and run `npm run synth`.');
    assert.deepEqual(docs(path.join(project.dist, 'namespaces', 'dev.yaml')).map((d) => d.kind), ['Namespace']);
  });

  it('never deletes a hand-written file that merely ends in .helmflux-tmp (12)', () => {
    const project = tempProject({ 'dev.ts': environmentSource({ namespace: { name: 'develop' } }) });
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const mine = path.join(project.dist, 'namespaces', 'notes.helmflux-tmp');
    const lookalike = path.join(project.dist, 'namespaces', '.dev.yaml.1.helmflux-tmp');
    fs.writeFileSync(mine, 'mine\n');
    fs.writeFileSync(lookalike, 'also mine\n');
    fs.writeFileSync(path.join(project.environments, 'dev.ts'), environmentSource({ namespace: { name: 'develop', labels: { a: 'b' } } }));
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    assert.equal(fs.readFileSync(mine, 'utf8'), 'mine\n');
    assert.equal(fs.readFileSync(lookalike, 'utf8'), 'also mine\n');
  });

  it('sorts keys by code point, as the README says (13)', () => {
    const project = tempProject({
      'dev.ts': environmentSource({ namespace: { name: 'develop' }, releases: [{ name: 'web', chart: gitChart, values: { '😀': 1, '！': 2, z: 3 } }] }),
    });
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const text = fs.readFileSync(path.join(project.dist, 'releases', 'dev.yaml'), 'utf8');
    const keys = text.slice(text.indexOf('  values:\n')).split('\n').slice(1, 4).map((l) => l.trim().split(':')[0].replace(/"/g, ''));
    assert.deepEqual(keys, ['z', '！', '😀']); // U+007A, U+FF01, U+1F600
  });
});

describe('two synths at once (6)', () => {
  const many: Record<string, string> = {};
  for (let i = 0; i < 300; i++) many[`env-${String(i).padStart(3, '0')}.ts`] = environmentSource({ namespace: { name: `env-${i}` }, releases: [{ name: 'web', chart: gitChart, values: { i } }] });

  it('refuses to write while another live helmflux holds the lock, and takes over a dead one\'s', async () => {
    const project = tempProject({ 'dev.ts': environmentSource({ namespace: { name: 'develop' } }) });
    fs.writeFileSync(path.join(project.dist, '.helmflux-lock'), `${process.pid}\n`);
    const held = runCli(['synth'], { cwd: project.root });
    assert.equal(held.status, 2);
    assert.match(held.stderr, new RegExp(`^dist/\\.helmflux-lock: \\(lock\\): another helmflux \\(pid ${process.pid}\\) is writing dist/ right now\\. Wait for it to finish`, 'm'));
    assert.deepEqual([...snapshotTree(project.dist).keys()], ['.helmflux-lock']);
    // A lock left by a process that is gone (a killed synth)
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
    fs.writeFileSync(path.join(project.dist, '.helmflux-lock'), `${gone.stdout}\n`);
    const taken = runCli(['synth'], { cwd: project.root });
    assert.equal(taken.status, 0, taken.stderr);
    assert.equal(fs.existsSync(path.join(project.dist, '.helmflux-lock')), false);
  });

  it('never fails internally or leaves dist/ wrong when two run together', async () => {
    const project = tempProject(many);
    const run = () =>
      new Promise<{ status: number | null; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [BIN, 'synth', '--no-cache', '--quiet'], { cwd: project.root });
        let stderr = '';
        child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
        child.on('close', (status) => resolve({ status, stderr }));
      });
    const results = await Promise.all([run(), run()]);
    for (const r of results) {
      assert.ok(r.status === 0 || (r.status === 2 && /another helmflux \(pid \d+\) is writing dist\//.test(r.stderr)), `exit ${r.status}: ${r.stderr}`);
    }
    assert.ok(results.some((r) => r.status === 0));
    const check = runCli(['check'], { cwd: project.root });
    assert.equal(check.status, 0, check.stdout);
    assert.deepEqual([...snapshotTree(project.dist).keys()].filter((p) => !p.endsWith('.yaml')), []);
  });
});

describe('the built-ins check, generic and compiled', () => {
  // A thread checks with a generic loop first and compiles its check after 100 files; both must see the same changes.
  it('names an addition, a removal, a replacement and its undoing, early (generic) and after hundreds of files (compiled)', () => {
    const { LoadGuard } = require('../src/load/guard') as typeof import('../src/load/guard');
    const original = JSON.stringify;
    const steps = new Map<number, () => void>([
      [3, () => Object.defineProperty(Reflect, 'helmfluxProbe', { value: 1, configurable: true })],
      [5, () => delete (Reflect as unknown as Record<string, unknown>).helmfluxProbe],
      [200, () => Object.defineProperty(Reflect, 'helmfluxProbe', { value: 1, configurable: true })],
      [400, () => delete (Reflect as unknown as Record<string, unknown>).helmfluxProbe],
      [600, () => ((JSON as { stringify: unknown }).stringify = (...args: unknown[]) => (original as (...a: unknown[]) => string)(...args))],
      [800, () => (JSON.stringify = original)],
    ]);
    const items = Array.from({ length: 900 }, (_, i) => i);
    let outcomes;
    try {
      outcomes = new LoadGuard().runAll(items, (i) => steps.get(i)?.());
    } finally {
      JSON.stringify = original;
      delete (Reflect as unknown as Record<string, unknown>).helmfluxProbe;
    }
    const reported = outcomes.flatMap((o, i) => (o.changes.length > 0 ? [[i, o.changes]] : []));
    assert.deepEqual(reported, [
      [3, ['added Reflect.helmfluxProbe']],
      [5, ['removed Reflect.helmfluxProbe']],
      [200, ['added Reflect.helmfluxProbe']],
      [400, ['removed Reflect.helmfluxProbe']],
      [600, ['replaced JSON.stringify']],
      [800, ['replaced JSON.stringify']],
    ]);
  });
});
