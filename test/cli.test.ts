/** The real `helmflux` binary, as a user runs it. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { environmentSource, REPO, runCli, seedProject, snapshotTree, tempDir, tempProject } from './helpers';

describe('helmflux CLI', () => {
  it('synth writes the seed layout, then a rerun writes nothing and keeps mtimes', () => {
    const project = seedProject();
    const first = runCli(['synth'], { cwd: project.root });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^wrote dist\/namespaces\/dev\.yaml$/m);
    assert.match(first.stdout, /synthesized 4 environments into dist\/: 8 written, 0 unchanged, 0 removed/);
    for (const f of ['namespaces/dev.yaml', 'releases/pro.yaml']) {
      assert.equal(fs.readFileSync(path.join(project.dist, f), 'utf8'), fs.readFileSync(path.join(REPO, 'dist', f), 'utf8'));
    }
    const before = snapshotTree(project.dist);
    const second = runCli(['synth'], { cwd: project.root });
    assert.equal(second.status, 0, second.stderr);
    assert.match(second.stdout, /0 written, 8 unchanged, 0 removed/);
    assert.deepEqual(snapshotTree(project.dist), before);
  });

  it('synth --env writes only that environment, and removes a deleted release file', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    fs.writeFileSync(path.join(project.environments, 'ingress.ts'), environmentSource({ namespace: { name: 'ingress' } }));
    fs.writeFileSync(path.join(project.environments, 'dev.ts'), environmentSource({ namespace: { name: 'develop', labels: { team: 'web' } } }));
    const result = runCli(['synth', '--env', 'ingress'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^removed dist\/releases\/ingress\.yaml/m);
    assert.doesNotMatch(result.stdout, /dev\.yaml/);
    assert.equal(fs.existsSync(path.join(project.dist, 'releases/ingress.yaml')), false);
    assert.ok(fs.existsSync(path.join(project.dist, 'releases/dev.yaml')), 'dev is out of scope');
  });

  it('exits 2 on a broken environment, naming file and field, with dist/ untouched', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const before = snapshotTree(project.dist);
    fs.writeFileSync(path.join(project.environments, 'stg.ts'), fs.readFileSync(path.join(project.environments, 'stg.ts'), 'utf8').replace("ref: 'staging'", "ref: ''"));
    const result = runCli(['synth'], { cwd: project.root });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^environments\/stg\.ts: releases\[0\]\.chart\.ref: must not be empty\. Use a branch, tag or commit/m);
    assert.match(result.stderr, /nothing was written/);
    assert.deepEqual(snapshotTree(project.dist), before);
  });

  it('check exits 0 when dist/ is current, 1 naming each file synth would change, writing nothing', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const current = runCli(['check'], { cwd: project.root });
    assert.equal(current.status, 0, current.stderr);
    assert.equal(current.stdout, 'dist/ is up to date\n');
    fs.writeFileSync(path.join(project.environments, 'stg.ts'), fs.readFileSync(path.join(project.environments, 'stg.ts'), 'utf8').replace('replicaCount: 2', 'replicaCount: 4'));
    fs.rmSync(path.join(project.environments, 'ingress.ts'));
    const before = snapshotTree(project.dist);
    const drift = runCli(['check'], { cwd: project.root });
    assert.equal(drift.status, 1, drift.stderr);
    assert.equal(
      drift.stdout,
      [
        'would write dist/releases/stg.yaml',
        '  changed HelmRelease staging/helmbasic-staging',
        '    spec.values.replicaCount: 2 → 4',
        'would remove dist/namespaces/ingress.yaml',
        '  removed Namespace ingress (destructive)',
        'would remove dist/releases/ingress.yaml',
        '  removed HelmRelease ingress/nginx-ingress (destructive)',
        'dist/ is out of date: run `npm run synth` and commit the result',
        '',
      ].join('\n'),
    );
    assert.deepEqual(snapshotTree(project.dist), before);
  });

  it('validate checks everything and writes nothing', () => {
    const project = seedProject();
    const result = runCli(['validate'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '4 environments, 8 objects: valid\n');
    assert.deepEqual([...snapshotTree(project.dist).keys()], []);
  });

  it('list shows environments, namespaces, releases and chart sources', () => {
    const result = runCli(['list']);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^ENVIRONMENT\s+NAMESPACE\s+RELEASE\s+HELM RELEASE\s+VALUES\s+CHART$/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 4)), [
      ['dev', 'develop', 'helmbasic-develop', 'helmbasic-develop'],
      ['ingress', 'ingress', 'nginx-ingress', 'nginx-ingress'],
      ['pro', 'production', 'helmbasic-production', 'helmbasic-production'],
      ['stg', 'staging', 'helmbasic-staging', 'helmbasic-staging'],
    ]);
    assert.match(lines[1], /chart helmbasics +git git@github\.com:mifonpe\/helmflux helmbasics@develop$/);
    // The seed's nginx-ingress names no imported chart: its values are not checked.
    assert.match(lines[2], /nginx-ingress +unchecked +git /);
  });

  it('--help lists the commands, options and exit codes', () => {
    const result = runCli(['--help']);
    assert.equal(result.status, 0);
    for (const text of ['helmflux synth', 'helmflux check', 'helmflux diff', 'helmflux validate', 'helmflux list', '--environments', 'Exit codes: 0 success; 1 drift (check: dist/ out of date; diff: something differs)']) {
      assert.ok(result.stdout.includes(text), text);
    }
    const synthHelp = runCli(['synth', '--help']);
    assert.match(synthHelp.stdout, /--env/);
    assert.match(synthHelp.stdout, /--out/);
  });

  it('exits 2 with a hint on usage errors', () => {
    for (const args of [[], ['frob'], ['synth', '--bogus'], ['synth', '--env']]) {
      const result = runCli(args);
      assert.equal(result.status, 2, args.join(' '));
      assert.match(result.stderr, /Run `helmflux --help`/);
    }
    const unknown = runCli(['synth', '--env', 'nope', '--out', tempDir()]);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /^--env: "nope": is not an environment\. Use the name of a file in the environments folder, without "\.ts": dev, ingress, pro, stg\./m);
  });

  it('refuses a file that schedules work for after it loaded, and exits as soon as the command is done', () => {
    const project = tempProject({
      'late.ts': "import { defineEnvironment } from 'helmflux';\nsetTimeout(() => { throw new Error('thrown later'); }, 0);\nexport default defineEnvironment({ namespace: { name: 'late' } });\n",
    });
    const result = runCli(['validate'], { cwd: project.root });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^environments\/late\.ts: \(file\): failed to load: called setTimeout\(\), which would run after the file loaded.* \(line 2\)\. /m);
    assert.doesNotMatch(result.stderr, /thrown later|internal error/);
  });

  it('exits 2 when --out is a file', () => {
    const file = path.join(tempDir(), 'file');
    fs.writeFileSync(file, '');
    const result = runCli(['synth', '--out', file]);
    assert.equal(result.status, 2);
    // --out is named as the user gave it.
    assert.ok(result.stderr.startsWith(`--out: ${file}: is not a folder.`), result.stderr);
  });

  it('--version prints the version of package.json', () => {
    const result = runCli(['--version']);
    assert.equal(result.status, 0);
    assert.equal(result.stdout, `${(JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version}\n`);
  });

  it('synth --quiet prints one summary line; --out is named as given', () => {
    const project = seedProject();
    const result = runCli(['synth', '--quiet', '--out', 'preview/'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'synthesized 4 environments into preview/: 8 written, 0 unchanged, 0 removed\n');
    const one = runCli(['synth', '-q', '--env', 'dev'], { cwd: project.root });
    assert.equal(one.stdout, 'synthesized 1 environment into dist/: 2 written, 0 unchanged, 0 removed\n');
  });

  it('--json on list, check and validate prints one JSON document with the documented fields', () => {
    const project = seedProject({ 'empty.ts': environmentSource({ namespace: { name: 'empty' } }) });
    const list = JSON.parse(runCli(['list', '--json'], { cwd: project.root }).stdout) as Record<string, unknown>[];
    assert.deepEqual(list[0], { environment: 'dev', namespace: 'develop', release: 'helmbasic-develop', helmRelease: 'helmbasic-develop', chart: { git: 'git@github.com:mifonpe/helmflux', path: 'helmbasics', ref: 'develop' }, values: 'chart helmbasics' });
    assert.deepEqual(list[1], { environment: 'empty', namespace: 'empty', release: null, helmRelease: null, chart: null, values: null });
    assert.deepEqual(JSON.parse(runCli(['validate', '--json'], { cwd: project.root }).stdout), { valid: true, environments: 5, objects: 9 });
    const check = runCli(['check', '--json'], { cwd: project.root });
    assert.equal(check.status, 1);
    const report = JSON.parse(check.stdout) as { upToDate: boolean; stale: string[] };
    assert.equal(report.upToDate, false);
    assert.equal(report.stale.length, 9);
  });

  it('a changed setting takes effect at the next synth, with no build', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const settings = path.join(project.root, 'helmflux.settings.ts');
    fs.writeFileSync(settings, fs.readFileSync(settings, 'utf8').replace('git@github.com:mifonpe/helmflux', 'https://git.example.com/charts'));
    const result = runCli(['synth'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^wrote dist\/releases\/dev\.yaml$/m);
    assert.match(fs.readFileSync(path.join(project.dist, 'releases', 'dev.yaml'), 'utf8'), /^    git: https:\/\/git\.example\.com\/charts$/m);
    // A wrong setting is bad input, named by file and field.
    fs.writeFileSync(settings, "import { defineSettings } from 'helmflux';\nexport default defineSettings({ chartsGitUrl: 'not a url', fluxNamespce: 'x' } as any);\n");
    const bad = runCli(['synth'], { cwd: project.root });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^helmflux\.settings\.ts: fluxNamespce: is not a known setting\. /m);
    assert.match(bad.stderr, /^helmflux\.settings\.ts: chartsGitUrl: "not a url" is not a git URL\. /m);
    // The namespace Flux runs in is reserved, whatever it is.
    fs.writeFileSync(settings, "import { defineSettings } from 'helmflux';\nexport default defineSettings({ chartsGitUrl: 'git@github.com:o/c', fluxNamespace: 'develop' });\n");
    const reserved = runCli(['synth'], { cwd: project.root });
    assert.equal(reserved.status, 2);
    assert.match(reserved.stderr, /^environments\/dev\.ts: namespace\.name: "develop" is reserved\./m);
  });

  it('without a built lib/, exits 2 and says to run npm ci', () => {
    const install = tempDir();
    fs.mkdirSync(path.join(install, 'bin'));
    fs.copyFileSync(path.join(REPO, 'bin', 'helmflux.js'), path.join(install, 'bin', 'helmflux.js'));
    const missing = spawnSync(process.execPath, [path.join(install, 'bin', 'helmflux.js'), 'synth'], { encoding: 'utf8' });
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /lib\/ is missing: helmflux is not built\. Run `npm ci`/);
    // Half built: the build writes lib/build-id last.
    fs.mkdirSync(path.join(install, 'lib', 'src'), { recursive: true });
    const half = spawnSync(process.execPath, [path.join(install, 'bin', 'helmflux.js'), 'list'], { encoding: 'utf8' });
    assert.equal(half.status, 2);
    assert.match(half.stderr, /lib\/ is only partly built\. Run `npm ci`/);
  });

  it('ends quietly with exit 0 when its reader closes the pipe', () => {
    const project = tempProject(Object.fromEntries(Array.from({ length: 2000 }, (_, i) => [`env-${i}.ts`, environmentSource({ namespace: { name: `env-${i}` } })])));
    const result = spawnSync('bash', ['-c', `node "${path.join(REPO, 'bin', 'helmflux.js')}" list | head -1; echo "status=\${PIPESTATUS[0]}"`], { cwd: project.root, encoding: 'utf8' });
    assert.equal(result.stdout, 'ENVIRONMENT  NAMESPACE  RELEASE  HELM RELEASE  VALUES  CHART\nstatus=0\n');
    assert.equal(result.stderr, '');
  });

  it('synth --watch writes an edit, keeps watching through a broken file, and picks up settings', async () => {
    const project = seedProject();
    const child = spawn(process.execPath, [path.join(REPO, 'bin', 'helmflux.js'), 'synth', '--watch'], { cwd: project.root });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const until = async (what: () => boolean, label: string) => {
      for (const start = Date.now(); !what(); await new Promise((r) => setTimeout(r, 20))) {
        if (Date.now() - start > 15_000) throw new Error(`timed out waiting for ${label}:\n${stdout}\n${stderr}`);
      }
    };
    try {
      await until(() => stdout.includes('watching for changes'), 'the first synth');
      const dev = path.join(project.environments, 'dev.ts');
      stdout = '';
      fs.writeFileSync(dev, fs.readFileSync(dev, 'utf8').replace('replicaCount: 1', 'replicaCount: 7'));
      await until(() => /synthesized 4 environments/.test(stdout), 'the edit');
      assert.match(stdout, /^wrote dist\/releases\/dev\.yaml$/m);
      assert.match(fs.readFileSync(path.join(project.dist, 'releases', 'dev.yaml'), 'utf8'), /replicaCount: 7/);
      // A broken file: its problem is printed, dist/ is kept, the watch goes on.
      fs.writeFileSync(path.join(project.environments, 'broken.ts'), 'export default {;\n');
      await until(() => /nothing was written\. Watching for changes\./.test(stderr), 'the problem');
      assert.match(stderr, /^environments\/broken\.ts: \(file\): failed to load: syntax error/m);
      fs.rmSync(path.join(project.environments, 'broken.ts'));
      // A shared module and the settings are watched too.
      stdout = '';
      const settings = path.join(project.root, 'helmflux.settings.ts');
      fs.writeFileSync(settings, fs.readFileSync(settings, 'utf8').replace('git@github.com:mifonpe/helmflux', 'git@github.com:org/elsewhere'));
      await until(() => /wrote dist\/releases\/stg\.yaml/.test(stdout), 'the settings change');
      stdout = '';
      const charts = path.join(project.root, 'common', 'charts', 'helmbasics', 'index.ts');
      fs.writeFileSync(charts, fs.readFileSync(charts, 'utf8').replace("path: 'helmbasics'", "path: 'charts/helmbasics'"));
      await until(() => /wrote dist\/releases\/pro\.yaml/.test(stdout), 'the shared module change');
    } finally {
      child.kill();
    }
  });
});

