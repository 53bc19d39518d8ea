/**
 * `helmflux diff` through the real CLI: each kind of change, each format,
 * exit codes, masking of secrets, and `--base` against commits of a
 * temporary git repository.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { formatMarkdown } from '../src/review/format';
import { review } from '../src/review/diff';
import { fluxV1Effects } from '../src/targets/flux-v1/effects';
import { NO_SETTINGS } from '../src/definition/settings';
import { environmentSource, git, runCli, seedProject } from './helpers';

/** A synthesized seed project; `edit` changes an environment file's text. */
function synthesized() {
  const project = seedProject();
  assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
  const edit = (env: string, from: string | RegExp, to: string) => {
    const file = path.join(project.environments, `${env}.ts`);
    const text = fs.readFileSync(file, 'utf8');
    assert.ok(typeof from === 'string' ? text.includes(from) : from.test(text), `${env}.ts has ${String(from)}`);
    fs.writeFileSync(file, text.replace(from, to));
  };
  const json = (...args: string[]) => {
    const result = runCli(['diff', '--format', 'json', ...args], { cwd: project.root });
    return { status: result.status, report: JSON.parse(result.stdout) as { changes: any[]; addedFiles: string[]; removedFiles: string[] }, stderr: result.stderr };
  };
  return { project, edit, json };
}

describe('helmflux diff', () => {
  it('names a changed value with both values, exits 1, and 0 once synthesized', () => {
    const { project, edit } = synthesized();
    assert.equal(runCli(['diff'], { cwd: project.root }).status, 0);
    edit('pro', 'replicaCount: 3', 'replicaCount: 4');
    const result = runCli(['diff', '--color', 'never'], { cwd: project.root });
    assert.equal(result.status, 1, result.stderr);
    assert.match(result.stdout, /^CHANGED HelmRelease production\/helmbasic-production {2}\(dist\/releases\/pro\.yaml\)$/m);
    assert.match(result.stdout, /^ {8}the Helm operator upgrades release helmbasic-production \(values changed\)$/m);
    assert.match(result.stdout, /^ {8}spec\.values\.replicaCount: 3 → 4$/m);
    assert.match(result.stdout, /^1 change \(0 destructive\) in 1 environment$/m);
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const after = runCli(['diff'], { cwd: project.root });
    assert.equal(after.status, 0);
    assert.match(after.stdout, /^no changes$/m);
  });

  it('gives JSON with paths as key lists and numbers as numbers', () => {
    const { edit, json } = synthesized();
    edit('dev', "ingress: { host: 'mywebserver.dev.kubesandclouds.com' }", "ingress: { host: 'mywebserver.dev.kubesandclouds.com', annotations: { 'kubernetes.io/ingress.class': 'nginx' } }");
    edit('pro', 'replicaCount: 3', 'replicaCount: 4');
    const { status, report } = json();
    assert.equal(status, 1);
    const pro = report.changes.find((c) => c.environment === 'pro');
    assert.deepEqual(pro, {
      environment: 'pro',
      file: 'dist/releases/pro.yaml',
      apiVersion: 'helm.fluxcd.io/v1',
      kind: 'HelmRelease',
      namespace: 'production',
      name: 'helmbasic-production',
      change: 'changed',
      destructive: false,
      reason: 'the Helm operator upgrades release helmbasic-production (values changed)',
      fields: [{ path: ['spec', 'values', 'replicaCount'], before: 3, after: 4 }],
    });
    const dev = report.changes.find((c) => c.environment === 'dev');
    assert.deepEqual(dev.fields, [{ path: ['spec', 'values', 'ingress', 'annotations'], after: { 'kubernetes.io/ingress.class': 'nginx' } }]);
  });

  it('marks a release renamed with its Helm release as a destructive removal, first, in every format', () => {
    const { project, edit, json } = synthesized();
    edit('stg', "name: 'helmbasic-staging',", "name: 'web-staging',");
    // Renamed alone, it is one change: `renamed` (test/intent.test.ts); with another Helm release, a removal and an addition.
    assert.deepEqual(json().report.changes.map((c) => [c.change, c.name, c.previousName]), [['renamed', 'web-staging', 'helmbasic-staging']]);
    edit('stg', "releaseName: 'helmbasic-staging',", "releaseName: 'web-staging',");
    const { report } = json();
    assert.deepEqual(report.changes.map((c) => [c.change, c.name, c.destructive]), [
      ['removed', 'helmbasic-staging', true],
      ['added', 'web-staging', false],
    ]);
    assert.match(report.changes[0].reason, /garbage collection is off \(settings\.fluxGarbageCollection\): the HelmRelease stays in the cluster, orphaned; release helmbasic-staging keeps running/);
    const text = runCli(['diff', '--color', 'never'], { cwd: project.root }).stdout;
    assert.match(text.split('\n')[2], /^DESTRUCTIVE REMOVED HelmRelease staging\/helmbasic-staging /);
    const markdown = runCli(['diff', '--format', 'markdown'], { cwd: project.root }).stdout;
    assert.match(markdown, /\| stg \| 1 \| 0 \| 0 \| 1 \| \*\*1\*\* ⚠️ \|/);
    assert.match(markdown, /#### ⚠️ Destructive\n\n- \*\*removed\*\* <code>HelmRelease staging\/helmbasic-staging<\/code> \(stg\): Flux's garbage collection is off/);
    // With garbage collection on, the reason says the release is uninstalled.
    const settings = path.join(project.root, 'helmflux.settings.ts');
    fs.writeFileSync(settings, fs.readFileSync(settings, 'utf8').replace('fluxGarbageCollection: false', 'fluxGarbageCollection: true'));
    assert.match(json().report.changes[0].reason, /^Flux deletes the HelmRelease \(garbage collection is on\): the Helm operator uninstalls release helmbasic-staging/);
  });

  it('says a changed releaseName reinstalls, a removed namespace deletes, and a deleted environment removes its files', () => {
    const { edit, json, project } = synthesized();
    edit('dev', "releaseName: 'helmbasic-develop',", "releaseName: 'web-develop',");
    fs.rmSync(path.join(project.environments, 'ingress.ts'));
    const { report } = json();
    const byName = Object.fromEntries(report.changes.map((c) => [`${c.kind} ${c.name}`, c]));
    assert.equal(byName['HelmRelease helmbasic-develop'].destructive, true);
    assert.equal(byName['HelmRelease helmbasic-develop'].reason, 'the release name changes: the Helm operator uninstalls release helmbasic-develop and installs web-develop anew');
    assert.equal(byName['Namespace ingress'].change, 'removed');
    assert.equal(byName['Namespace ingress'].destructive, true);
    assert.deepEqual(report.removedFiles, ['dist/namespaces/ingress.yaml', 'dist/releases/ingress.yaml']);
    // Destructive first
    assert.deepEqual(report.changes.map((c) => c.destructive), [true, true, true]);
  });

  it('reports an object moved between files as moved, a new environment as added, and a hand edit of dist/', () => {
    const { project, json } = synthesized();
    // A hand edit: synth would put the value back.
    const pro = path.join(project.dist, 'releases', 'pro.yaml');
    fs.writeFileSync(pro, fs.readFileSync(pro, 'utf8').replace('replicaCount: 3', 'replicaCount: 30'));
    // An object moved: the dev HelmRelease committed in another file.
    const dev = path.join(project.dist, 'releases', 'dev.yaml');
    fs.renameSync(dev, path.join(project.dist, 'releases', 'develop-old.yaml'));
    fs.writeFileSync(path.join(project.environments, 'qa.ts'), environmentSource({ namespace: { name: 'qa' } }));
    const { report } = json();
    const kinds = Object.fromEntries(report.changes.map((c) => [`${c.kind} ${c.name}`, c]));
    assert.equal(kinds['HelmRelease helmbasic-production'].change, 'changed');
    assert.deepEqual(kinds['HelmRelease helmbasic-production'].fields, [{ path: ['spec', 'values', 'replicaCount'], before: 30, after: 3 }]);
    assert.equal(kinds['HelmRelease helmbasic-develop'].change, 'moved');
    assert.equal(kinds['HelmRelease helmbasic-develop'].previousFile, 'dist/releases/develop-old.yaml');
    assert.equal(kinds['Namespace qa'].change, 'added');
    assert.deepEqual(report.addedFiles, ['dist/namespaces/qa.yaml', 'dist/releases/dev.yaml']);
  });

  it('never prints a value under a secret-looking key, in any format', () => {
    const { project } = synthesized();
    // Credentials in values are refused by validation: here they are in the committed file (an older
    // helmflux, or a hand edit), and the review of their removal must not show them.
    const dev = path.join(project.dist, 'releases', 'dev.yaml');
    fs.writeFileSync(
      dev,
      fs.readFileSync(dev, 'utf8').replace('  values:\n', '  values:\n    db: { adminPassword: hunter2, user: app }\n    apiKey: AKIA-old\n    auth: { token: tok-old }\n    clientSecret: shh-old\n'),
    );
    const outputs = [
      runCli(['diff', '--color', 'never', '--unified'], { cwd: project.root }),
      runCli(['diff', '--format', 'markdown', '--unified'], { cwd: project.root }),
      runCli(['diff', '--format', 'json'], { cwd: project.root }),
      runCli(['check'], { cwd: project.root }),
      runCli(['check', '--json'], { cwd: project.root }),
    ];
    for (const out of outputs) {
      assert.equal(out.status, 1, out.stderr);
      for (const secret of ['hunter2', 'AKIA', 'tok-old', 'shh-old']) assert.ok(!out.stdout.includes(secret) && !out.stderr.includes(secret), `${secret} in:\n${out.stdout}`);
    }
    // With --unified the report goes to stderr and the patch alone to stdout, secrets masked in place.
    assert.match(outputs[0].stderr, /spec\.values\.db: \{"adminPassword":"\(hidden\)","user":"app"\} \(removed\)/);
    assert.match(outputs[0].stderr, /spec\.values\.clientSecret: \(removed\)/);
    assert.match(outputs[0].stderr, /spec\.values\.auth: \{"token":"\(hidden\)"\} \(removed\)/);
    assert.match(outputs[0].stdout, /^-    db: \{ adminPassword: \(masked\), user: app \}$/m);
    assert.match(outputs[0].stdout, /^-    clientSecret: \(masked\)$/m);
    const fields = JSON.parse(outputs[2].stdout).changes[0].fields;
    assert.deepEqual(fields.find((f: { path: string[] }) => f.path.join('.') === 'spec.values.apiKey'), { path: ['spec', 'values', 'apiKey'], masked: 'removed' });
  });

  it('refuses a literal under a secret-looking key, and shows it once the definition declares the path not secret', () => {
    const { project, edit } = synthesized();
    const annotation = 'nginx.ingress.kubernetes.io/auth-secret';
    edit('dev', "ingress: { host: 'mywebserver.dev.kubesandclouds.com' },", `ingress: { host: 'mywebserver.dev.kubesandclouds.com', annotations: { '${annotation}': 'basic-auth' } },`);
    const refused = runCli(['diff'], { cwd: project.root });
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /^environments\/dev\.ts: releases\[0\]\.values\.ingress\.annotations\["nginx\.ingress\.kubernetes\.io\/auth-secret"\]: is a literal credential, and values are committed to git\. Keep it in a Secret .*secretKeyRef.* declare it: notSecret: \["ingress\.annotations\[\\"nginx\.ingress\.kubernetes\.io\/auth-secret\\"\]"\]\.$/m);
    edit('dev', "ref: 'develop',", `ref: 'develop',\n      notSecret: ['ingress.annotations["${annotation}"]'],`);
    const shown = runCli(['diff', '--color', 'never'], { cwd: project.root });
    assert.equal(shown.status, 1, shown.stderr);
    assert.match(shown.stdout, /spec\.values\.ingress\.annotations: \(new\) \{"nginx\.ingress\.kubernetes\.io\/auth-secret":"basic-auth"\}/);
    assert.match(shown.stdout, /metadata\.annotations\["helmflux\.dev\/not-secret-paths"\]: \(new\) "\[\\"ingress\.annotations\[\\\\\\"nginx/);
  });

  it('--base reads dist/ as committed at a ref, from any subfolder, without touching the working tree', () => {
    const { project, edit } = synthesized();
    fs.writeFileSync(path.join(project.root, '.gitignore'), 'node_modules/\n');
    git(project.root, 'init', '-q', '-b', 'main');
    git(project.root, 'add', '-A');
    git(project.root, 'commit', '-qm', 'seed');
    // The edit is committed, but its author forgot to run synth.
    edit('pro', 'replicaCount: 3', 'replicaCount: 4');
    git(project.root, 'commit', '-qam', 'pro: 4 replicas');
    const status = git(project.root, 'status', '--porcelain');
    const sub = path.join(project.root, 'environments');
    const markdown = runCli(['diff', '--base', 'HEAD~1', '--format', 'markdown'], { cwd: sub });
    assert.equal(markdown.status, 1, markdown.stderr);
    assert.match(markdown.stdout, /^### helmflux diff: 1 change \(0 destructive\) in 1 environment$/m);
    assert.match(markdown.stdout, /\| pro \| 0 \| 1 \| 0 \| 0 \| 0 \|/);
    assert.match(markdown.stdout, /\| <code>spec\.values\.replicaCount<\/code> \| <code>3<\/code> \| <code>4<\/code> \|/);
    assert.equal(runCli(['diff', '--base', 'HEAD', '--format', 'json'], { cwd: sub }).status, 1);
    assert.equal(git(project.root, 'status', '--porcelain'), status);
    // A bad ref, and a folder outside git, are clear input errors.
    const bad = runCli(['diff', '--base', 'no-such-branch'], { cwd: project.root });
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^--base: "no-such-branch": is not a commit of this repository\. /m);
    const outside = seedProject();
    const notGit = runCli(['diff', '--base', 'main'], { cwd: outside.root, env: { GIT_CEILING_DIRECTORIES: path.dirname(outside.root) } });
    assert.equal(notGit.status, 2);
    assert.match(notGit.stderr, /^--base: "main": the project is not in a git repository\. /m);
  });

  it('cuts markdown under GitHub\'s comment limit with a note, never inside a section', () => {
    const before = new Map<string, string>();
    const after = new Map<string, string>();
    for (let i = 0; i < 400; i++) {
      const doc = (n: number) => `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: env-${i}\n  labels:\n    size: "${n}"\n`;
      before.set(`namespaces/env-${i}.yaml`, doc(1));
      after.set(`namespaces/env-${i}.yaml`, doc(2));
    }
    const text = formatMarkdown(review(before, after, fluxV1Effects(NO_SETTINGS)), 'dist', 'dist/ on disk', 20_000);
    assert.ok(text.length <= 20_000, String(text.length));
    assert.match(text, /_Cut here to stay under GitHub's 65,536-character comment limit: run `helmflux diff` \(in CI: the helmflux-diff artifact\) for the rest\._\n$/);
    assert.equal((text.match(/<details>/g) ?? []).length, (text.match(/<\/details>/g) ?? []).length);
  });
});
