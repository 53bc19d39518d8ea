/**
 * Ownership of dist/ through what really happens to a GitOps repository:
 * git merges of parallel branches, Flux v1 rewriting a file through
 * ruamel.yaml, stray files that Flux would apply too.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { environmentSource, git, runCli, seedProject, snapshotTree } from './helpers';
import { fluxV1Rewrite, skipRuamel } from './ruamel';

const environment = (namespace: string) =>
  environmentSource({ namespace: { name: namespace }, releases: [{ name: 'web', chart: { repository: 'https://charts.example.com', name: 'web', version: '1.0.0' } }] });

describe('ownership of dist/', () => {
  it('two branches that each add an environment merge without a conflict, and synth converges after a deletion', () => {
    // GIVEN a repository with the seed synthesized and committed
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    fs.writeFileSync(path.join(project.root, '.gitignore'), 'node_modules/\n');
    git(project.root, 'init', '-q', '-b', 'main');
    git(project.root, 'add', '-A');
    git(project.root, 'commit', '-qm', 'seed');
    // AND two branches, each adding an environment and its synthesized files
    for (const [branch, env] of [['add-qa', 'qa'], ['add-uat', 'uat']]) {
      git(project.root, 'checkout', '-q', '-b', branch, 'main');
      fs.writeFileSync(path.join(project.environments, `${env}.ts`), environment(env));
      const synth = runCli(['synth'], { cwd: project.root });
      assert.equal(synth.status, 0, synth.stderr);
      git(project.root, 'add', '-A');
      git(project.root, 'commit', '-qm', `add ${env}`);
    }
    // WHEN both are merged into main
    git(project.root, 'checkout', '-q', 'main');
    git(project.root, 'merge', '-q', '--no-edit', 'add-qa');
    git(project.root, 'merge', '-q', '--no-edit', 'add-uat'); // throws on a conflict
    // THEN dist/ is current
    assert.equal(runCli(['check'], { cwd: project.root }).status, 0);
    // WHEN one of them is deleted and synth runs
    fs.rmSync(path.join(project.environments, 'qa.ts'));
    const synth = runCli(['synth'], { cwd: project.root });
    assert.equal(synth.status, 0, synth.stderr);
    // THEN its files are gone, the other's stay, and check is happy
    assert.match(synth.stdout, /^removed dist\/namespaces\/qa\.yaml$/m);
    assert.match(synth.stdout, /^removed dist\/releases\/qa\.yaml$/m);
    assert.equal(fs.existsSync(path.join(project.dist, 'releases', 'qa.yaml')), false);
    assert.ok(fs.existsSync(path.join(project.dist, 'releases', 'uat.yaml')));
    const check = runCli(['check'], { cwd: project.root });
    assert.equal(check.status, 0, check.stdout);
  });

  it('converges after a merge resolved the old record file with --ours', () => {
    // GIVEN a dist/ of the old layout whose record lost a line in a merge
    const project = seedProject({ 'qa.ts': environment('qa') });
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    for (const f of ['namespaces/qa.yaml', 'releases/qa.yaml']) {
      // The old layout: the header on the first line; and Flux had rewritten releases/qa.yaml without it.
      const text = fs.readFileSync(path.join(project.dist, f), 'utf8').replace(/^---\n(# Generated[^\n]*\n)/, '$1---\n');
      fs.writeFileSync(path.join(project.dist, f), f.startsWith('releases') ? text.replace(/^# Generated[^\n]*\n/, '') : text);
    }
    fs.writeFileSync(path.join(project.dist, '.helmflux-files'), '# Files helmflux generated\r\n<<<<<<< HEAD\r\nreleases/qa.yaml\r\n=======\r\n>>>>>>> other\r\n');
    // WHEN the environment is deleted and synth runs
    fs.rmSync(path.join(project.environments, 'qa.ts'));
    const check = runCli(['check'], { cwd: project.root });
    assert.equal(check.status, 1);
    assert.match(check.stdout, /^would remove dist\/releases\/qa\.yaml$/m);
    assert.match(check.stdout, /^would remove dist\/\.helmflux-files$/m);
    const synth = runCli(['synth'], { cwd: project.root });
    assert.equal(synth.status, 0, synth.stderr);
    // THEN every file of the deleted environment is gone, and so is the record
    assert.deepEqual(fs.readdirSync(project.dist).sort(), ['namespaces', 'releases']);
    assert.equal(fs.existsSync(path.join(project.dist, 'namespaces', 'qa.yaml')), false);
    assert.equal(fs.existsSync(path.join(project.dist, 'releases', 'qa.yaml')), false);
    assert.equal(runCli(['check'], { cwd: project.root }).status, 0);
  });

  it('check fails on any YAML or JSON file helmflux did not write, naming it; synth warns and leaves it', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    fs.writeFileSync(path.join(project.dist, 'releases', 'hand-written.yaml'), 'apiVersion: v1\nkind: ConfigMap\n');
    fs.writeFileSync(path.join(project.dist, 'dev.k8s.yaml'), 'apiVersion: v1\nkind: Namespace\n');
    const check = runCli(['check'], { cwd: project.root });
    assert.equal(check.status, 1);
    assert.match(check.stdout, /^not generated by helmflux: dist\/releases\/hand-written\.yaml \(Flux applies every YAML and JSON file under dist\/: move it out, or delete it\)$/m);
    assert.match(check.stdout, /^not generated by helmflux: dist\/dev\.k8s\.yaml /m);
    const json = JSON.parse(runCli(['check', '--json'], { cwd: project.root }).stdout);
    assert.deepEqual(json, { upToDate: false, outDir: 'dist', stale: [], reformatted: [], kept: [], tags: [], unreadable: [], removed: [], strays: ['dev.k8s.yaml', 'releases/hand-written.yaml'], changes: [] });
    const before = snapshotTree(project.dist);
    const synth = runCli(['synth'], { cwd: project.root });
    assert.equal(synth.status, 0);
    assert.match(synth.stderr, /^helmflux: warning: dist\/releases\/hand-written\.yaml was not generated by helmflux, and Flux applies it too/m);
    assert.deepEqual(snapshotTree(project.dist), before);
  });

  it('still owns a release file after Flux v1 rewrote it through ruamel.yaml (the header after --- survives)', { skip: skipRuamel() }, () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const file = path.join(project.dist, 'releases', 'dev.yaml');
    const generated = fs.readFileSync(file, 'utf8');
    // WHEN Flux's auto-release rewrites the file, as the reference commit did
    fluxV1Rewrite(file, 'helmbasic-develop', 'fontanillamiguel/apache', 'v0.0.2');
    const rewritten = fs.readFileSync(file, 'utf8');
    assert.notEqual(rewritten, generated);
    assert.equal(rewritten.split('\n')[1], generated.split('\n')[1], 'the header line survives the rewrite');
    assert.equal(YAML.parse(rewritten).spec.values.image.tag, 'v0.0.2');
    // THEN helmflux still knows the file as its own (not a foreign file, exit 2; not a stray): check keeps Flux's tag
    const check = runCli(['check'], { cwd: project.root });
    assert.equal(check.status, 0, check.stdout + check.stderr);
    assert.match(check.stdout, /^kept tag v0\.0\.2 of develop\/helmbasic-develop/m);
    assert.doesNotMatch(check.stdout, /not generated by helmflux/);
    // and a change Flux could not have made (a tag the filter refuses) is drift in a file it still owns
    fluxV1Rewrite(file, 'helmbasic-develop', 'fontanillamiguel/apache', 'latest');
    const drift = runCli(['check'], { cwd: project.root });
    assert.equal(drift.status, 1, drift.stderr);
    assert.match(drift.stdout, /^would write dist\/releases\/dev\.yaml$/m);
  });
});
