/** The real `helmflux` binary, as a user runs it. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { environmentSource, REPO, runCli, snapshotTree, tempDir, tempProject } from './helpers';

const seedEnvironments = () =>
  Object.fromEntries(fs.readdirSync(path.join(REPO, 'environments')).map((f) => [f, fs.readFileSync(path.join(REPO, 'environments', f), 'utf8')]));

describe('helmflux CLI', () => {
  it('synth writes the seed layout, then a rerun writes nothing and keeps mtimes', () => {
    const project = tempProject(seedEnvironments());
    const first = runCli(['synth'], { cwd: project.root });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^wrote dist\/namespaces\/dev\.yaml$/m);
    assert.match(first.stdout, /synthesized 4 environment\(s\) into dist\/: 8 written, 0 unchanged, 0 removed/);
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
    const project = tempProject(seedEnvironments());
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
    const project = tempProject(seedEnvironments());
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
    const project = tempProject(seedEnvironments());
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
      'would write dist/releases/stg.yaml\nwould remove dist/namespaces/ingress.yaml\nwould remove dist/releases/ingress.yaml\ndist/ is out of date: run `npm run synth` and commit the result\n',
    );
    assert.deepEqual(snapshotTree(project.dist), before);
  });

  it('validate checks everything and writes nothing', () => {
    const project = tempProject(seedEnvironments());
    const result = runCli(['validate'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, '4 environment(s), 8 object(s): valid\n');
    assert.deepEqual([...snapshotTree(project.dist).keys()], []);
  });

  it('list shows environments, namespaces, releases and chart sources', () => {
    const result = runCli(['list']);
    assert.equal(result.status, 0, result.stderr);
    const lines = result.stdout.trimEnd().split('\n');
    assert.match(lines[0], /^ENVIRONMENT\s+NAMESPACE\s+RELEASE\s+HELM RELEASE\s+CHART$/);
    assert.deepEqual(lines.slice(1).map((l) => l.split(/\s+/).slice(0, 4)), [
      ['dev', 'develop', 'helmbasic-develop', 'helmbasic-develop'],
      ['ingress', 'ingress', 'nginx-ingress', 'nginx-ingress'],
      ['pro', 'production', 'helmbasic-production', 'helmbasic-production'],
      ['stg', 'staging', 'helmbasic-staging', 'helmbasic-staging'],
    ]);
    assert.match(lines[1], /git git@github\.com:mifonpe\/helmflux helmbasics@develop$/);
  });

  it('--help lists the commands, options and exit codes', () => {
    const result = runCli(['--help']);
    assert.equal(result.status, 0);
    for (const text of ['helmflux synth', 'helmflux check', 'helmflux validate', 'helmflux list', '--environments', 'Exit codes: 0 success; 1 drift (check: dist/ out of date)']) {
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

  it('exits 3, never 1, on an error after the command returned', () => {
    const project = tempProject({
      'late.ts': "import { defineEnvironment } from 'helmflux';\nsetTimeout(() => { throw new Error('thrown later'); }, 0);\nexport default defineEnvironment({ namespace: { name: 'late' } });\n",
    });
    const result = runCli(['validate'], { cwd: project.root });
    assert.equal(result.status, 3);
    assert.match(result.stderr, /^helmflux: internal error: Error: thrown later$/m);
    assert.match(result.stderr, /This is a bug in helmflux: please report it/);
  });

  it('exits 2 when --out is a file', () => {
    const file = path.join(tempDir(), 'file');
    fs.writeFileSync(file, '');
    const result = runCli(['synth', '--out', file]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^--out: file: is not a folder\./m);
  });
});
