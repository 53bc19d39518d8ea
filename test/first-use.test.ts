/**
 * First use, as a newcomer meets it: typos get suggestions everywhere, every
 * problem of a file shows in one run and once, read-only commands do not
 * speak of writing, and the edges a newcomer hits have clear answers.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { git, REPO, runCli, seedProject, snapshotTree } from './helpers';

function edit(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${file} holds ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
}

describe('typos get suggestions everywhere', () => {
  it('explain of a path the chart does not have exits 2 with "Did you mean"', () => {
    const project = seedProject();
    const result = runCli(['explain', 'pro', 'helmbasic-production', 'replicaCont'], { cwd: project.root });
    assert.equal(result.status, 2, result.stdout);
    assert.match(result.stderr, /^environments\/pro\.ts: releases\["helmbasic-production"\]\.values\.replicaCont: is not a value of chart helmbasics\. Did you mean replicaCount\? /m);
    assert.match(result.stderr, /^helmflux: 1 problem\.$/m, 'a read-only command does not speak of writing');
    // A path the chart has but the release leaves to its default still explains.
    const unset = runCli(['explain', 'pro', 'helmbasic-production', 'service'], { cwd: project.root });
    assert.equal(unset.status, 0, unset.stderr);
  });

  it('a misspelt definition field gets one too', () => {
    const project = seedProject();
    edit(path.join(project.environments, 'pro.ts'), "ref: 'master',", "ref: 'master',\n      relaseName: 'x',");
    const result = runCli(['validate'], { cwd: project.root });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /relaseName.*Did you mean releaseName\?/);
  });
});

describe('all problems at once, each once', () => {
  it('a dev.ts with an invalid filter, a misspelt value and a numeric tag reports all three in one run', () => {
    const project = seedProject();
    const dev = path.join(project.environments, 'dev.ts');
    edit(dev, "filter: 'glob:v*'", "filter: 'v*'");
    edit(dev, 'replicaCount: 1,', 'replicaCont: 1,');
    edit(dev, "tag: 'v0.0.1'", 'tag: 5 as any');
    const result = runCli(['validate'], { cwd: project.root });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /flux\.containers\["chart-image"\]\.filter: "v\*" is not valid/);
    assert.match(result.stderr, /values\.replicaCont: is not a value of chart helmbasics\. Did you mean replicaCount\?/);
    assert.equal(result.stderr.match(/values\.image\.tag:/g)?.length, 1, result.stderr);
    assert.match(result.stderr, /^helmflux: 3 problems\.$/m);
  });

  it('a numeric tag of an automated container is reported once, with the advice to quote it', () => {
    const project = seedProject();
    edit(path.join(project.environments, 'dev.ts'), "tag: 'v0.0.1'", 'tag: 5 as any');
    const result = runCli(['validate'], { cwd: project.root });
    assert.equal(result.stderr.match(/values\.image\.tag:/g)?.length, 1, result.stderr);
    assert.match(result.stderr, /Quote it: '5'/);
  });
});

describe('readable unified diffs', () => {
  it('diff --unified prints a git-style patch of the files as written: a/ b/ paths, @@ hunks with context, /dev/null for a new file; the report on stderr', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    edit(path.join(project.environments, 'pro.ts'), 'replicaCount: 3', 'replicaCount: 4');
    fs.writeFileSync(path.join(project.environments, 'qa.ts'), fs.readFileSync(path.join(project.environments, 'stg.ts'), 'utf8').replace(/staging/g, 'qa'));
    const result = runCli(['diff', '--unified', '--color', 'never'], { cwd: project.root });
    assert.equal(result.status, 1);
    const patch = result.stdout;
    assert.match(patch, /^# helmflux diff --unified: secrets are shown as \(masked\); a patch for reading, not for git apply$/m);
    // The line numbers are those of the file as written (header included): three lines of context before the change.
    const line = fs.readFileSync(path.join(project.dist, 'releases', 'pro.yaml'), 'utf8').split('\n').indexOf('    replicaCount: 3') + 1;
    assert.ok(line > 3);
    assert.match(patch, new RegExp(`^--- a/dist/releases/pro\\.yaml\\n\\+\\+\\+ b/dist/releases/pro\\.yaml\\n@@ -${line - 3},4 \\+${line - 3},4 @@\\n(?: .*\\n){3}-    replicaCount: 3\\n\\+    replicaCount: 4\\n`, 'm'));
    assert.match(patch, /^--- \/dev\/null\n\+\+\+ b\/dist\/namespaces\/qa\.yaml\n@@ -0,0 \+1,\d+ @@$/m);
    assert.doesNotMatch(patch, /changes? \(\d+ destructive\)/, 'the summary is on stderr');
    assert.match(result.stderr, /^3 changes \(0 destructive\) in 2 environments$/m);
    assert.match(runCli(['diff', '--help'], { cwd: project.root }).stdout, /not for git apply/);
  });
});

describe('Flux v2 that works when the README is followed', () => {
  it('synth and check --flux v2 warn when the folder written is out of the image automation\'s reach (gitops.path)', () => {
    const project = seedProject();
    const synth = runCli(['synth', '--flux', 'v2', '--out', 'fleet'], { cwd: project.root });
    assert.equal(synth.status, 0, synth.stderr);
    const warning = /^helmflux: warning: helmflux\.settings\.ts: gitops\.path is "dist", so the ImageUpdateAutomation updates tags under \.\/dist only, but this writes fleet: its image policy markers are out of the automation's reach/m;
    assert.match(synth.stderr, warning);
    const check = runCli(['check', '--flux', 'v2', '--out', 'fleet'], { cwd: project.root });
    assert.equal(check.status, 0, check.stdout);
    assert.match(check.stderr, warning);
    // Written where gitops.path says: no warning.
    assert.doesNotMatch(runCli(['synth', '--flux', 'v2'], { cwd: project.root }).stderr, /out of the automation's reach/);
  });

  it('the README names the bootstrap flags the output needs', () => {
    const readme = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');
    assert.match(readme, /--components-extra=image-reflector-controller,image-automation-controller/);
    assert.match(readme, /--namespace=<fluxNamespace>/);
  });
});

describe('chart sources that are right', () => {
  /** A git repository holding charts/web, with `origin` set to `remote` (none when undefined). */
  function chartsRepo(remote: string | undefined): string {
    const repo = fs.mkdtempSync(path.join(os.tmpdir(), 'helmflux-charts-'));
    fs.mkdirSync(path.join(repo, 'charts', 'web'), { recursive: true });
    fs.writeFileSync(path.join(repo, 'charts', 'web', 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 1.2.0\n');
    fs.writeFileSync(path.join(repo, 'charts', 'web', 'values.yaml'), 'replicas: 1\n');
    git(repo, 'init', '-q');
    if (remote !== undefined) git(repo, 'remote', 'add', 'origin', remote);
    return repo;
  }
  const index = (root: string) => fs.readFileSync(path.join(root, 'common', 'charts', 'web', 'index.ts'), 'utf8');

  it("records the chart's path from its repository's root, and the settings' URL when origin is that repository in another form", () => {
    const project = seedProject();
    fs.rmSync(path.join(project.root, 'common', 'charts'), { recursive: true });
    // The settings say git@github.com:mifonpe/helmflux; origin is the ssh:// form with .git.
    const repo = chartsRepo('ssh://git@github.com/mifonpe/helmflux.git');
    const result = runCli(['chart', 'import', path.join(repo, 'charts', 'web'), '--name', 'web'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.match(index(project.root), /source: \(ref\) => \(\{ git: settings\.chartsGitUrl, path: 'charts\/web', ref \}\),/);
  });

  it('writes another repository\'s URL as it is, refuses one with a password, and asks for --path outside git', () => {
    const project = seedProject();
    const other = chartsRepo('https://github.com/org/charts.git');
    assert.equal(runCli(['chart', 'import', path.join(other, 'charts', 'web'), '--name', 'web'], { cwd: project.root }).status, 0);
    assert.match(index(project.root), /source: \(ref\) => \(\{ git: 'https:\/\/github\.com\/org\/charts\.git', path: 'charts\/web', ref \}\),/);
    assert.doesNotMatch(index(project.root), /settings/, 'no unused import');
    const secret = chartsRepo('https://bot:hunter2@github.com/org/charts.git');
    const refused = runCli(['chart', 'import', path.join(secret, 'charts', 'web'), '--name', 'web2'], { cwd: project.root });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /origin remote holds a password/);
    assert.doesNotMatch(refused.stderr, /hunter2/);
    const loose = fs.mkdtempSync(path.join(os.tmpdir(), 'helmflux-loose-'));
    fs.writeFileSync(path.join(loose, 'Chart.yaml'), 'apiVersion: v2\nname: loose\nversion: 1.0.0\n');
    const outside = runCli(['chart', 'import', loose], { cwd: project.root });
    assert.equal(outside.status, 2);
    assert.match(outside.stderr, /is not in a git work tree.*Give it with --path/);
  });

  it('a .tgz with --repository gets a Helm repository source by the chart\'s name, the ref being the version', () => {
    const project = seedProject();
    const repo = chartsRepo(undefined);
    assert.equal(spawnSync('tar', ['-czf', 'web-1.2.0.tgz', 'web'], { cwd: path.join(repo, 'charts') }).status, 0);
    const result = runCli(['chart', 'import', path.join(repo, 'charts', 'web-1.2.0.tgz'), '--repository', 'https://charts.example.com/stable'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.match(index(project.root), /source: \(version\) => \(\{ repository: 'https:\/\/charts\.example\.com\/stable', name: 'web', version \}\),/);
    assert.match(index(project.root), /imported: 1\.2\.0/);
  });
});

describe('edges', () => {
  it('synth --out inside dist/ is refused with the fix, nothing written', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const before = snapshotTree(project.root);
    const result = runCli(['synth', '--out', 'dist/releases'], { cwd: project.root });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^--out: dist\/releases: is inside dist\/, which Flux applies whole/m);
    assert.deepEqual(snapshotTree(project.root), before);
  });

  it('diff --env accepts an environment whose file was deleted, and shows its removal', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    fs.rmSync(path.join(project.environments, 'ingress.ts'));
    const result = runCli(['diff', '--env', 'ingress', '--format', 'json'], { cwd: project.root });
    assert.equal(result.status, 1, result.stderr);
    const report = JSON.parse(result.stdout) as { changes: { kind: string; name: string; change: string }[]; removedFiles: string[] };
    assert.deepEqual(report.changes.map((c) => `${c.change} ${c.kind} ${c.name}`).sort(), ['removed HelmRelease nginx-ingress', 'removed Namespace ingress']);
    assert.deepEqual(report.removedFiles, ['dist/namespaces/ingress.yaml', 'dist/releases/ingress.yaml']);
    assert.equal(runCli(['diff', '--env', 'nope'], { cwd: project.root }).status, 2);
  });
});
