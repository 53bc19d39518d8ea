/**
 * Intent wins: a tag the definition changed since the last synth (a bump, a
 * rollback, a promotion) is written, while a tag Flux committed against an
 * unchanged definition is kept; both are said. Run with Flux v1's real
 * rewrite (ruamel.yaml) and the v2 controller's marker edit.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { environmentSource, git, runCli, seedProject, snapshotTree, tempProject } from './helpers';
import { fluxV1Rewrite, skipRuamel } from './ruamel';

const releaseOf = (file: string) => YAML.parse(fs.readFileSync(file, 'utf8'));
const tagOf = (file: string) => releaseOf(file).spec.values.image.tag;

function edit(file: string, from: string, to: string): void {
  const text = fs.readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${file} holds ${from}`);
  fs.writeFileSync(file, text.replace(from, to));
}

/** The seed, synthesized, with dev's release file and environment file. */
function seed(extra: Record<string, string> = {}) {
  const project = seedProject(extra);
  assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
  return { project, file: path.join(project.dist, 'releases', 'dev.yaml'), dev: path.join(project.environments, 'dev.ts') };
}

describe('intent wins over a tag in dist/', { skip: skipRuamel() }, () => {
  it('a bump reaches dist/, a tag Flux commits next is kept, a rollback reaches dist/ again; check is clean each time', () => {
    const { project, file, dev } = seed();
    assert.equal(releaseOf(file).metadata.annotations['helmflux.dev/defined-tags'], 'image.tag=v0.0.1');
    // A bump.
    edit(dev, "tag: 'v0.0.1'", "tag: 'v0.0.3'");
    const bump = runCli(['synth'], { cwd: project.root });
    assert.equal(bump.status, 0, bump.stderr);
    assert.match(bump.stdout, /^environments\/dev\.ts changes the tag of develop\/helmbasic-develop \(chart-image\) to "v0\.0\.3" \(was "v0\.0\.1"\): written\. The release is automated: Flux will move it on to the newest tag glob:v\* admits \(by image build time\), so a rollback holds only with flux\.locked: true$/m);
    assert.equal(tagOf(file), 'v0.0.3');
    assert.equal(releaseOf(file).metadata.annotations['helmflux.dev/defined-tags'], 'image.tag=v0.0.3');
    assert.equal(runCli(['check'], { cwd: project.root }).status, 0);
    // Flux commits v0.0.4, rewriting the file as it does.
    fluxV1Rewrite(file, 'helmbasic-develop', 'fontanillamiguel/apache', 'v0.0.4');
    const check = runCli(['check'], { cwd: project.root });
    assert.equal(check.status, 0, check.stdout);
    assert.match(check.stdout, /^kept tag v0\.0\.4 of develop\/helmbasic-develop \(chart-image\)/m);
    for (const args of [['synth'], ['synth', '--no-cache']]) {
      assert.equal(runCli(args, { cwd: project.root }).status, 0);
      assert.equal(tagOf(file), 'v0.0.4');
    }
    // A rollback below what Flux committed.
    edit(dev, "tag: 'v0.0.3'", "tag: 'v0.0.2'");
    const diff = runCli(['diff', '--format', 'json'], { cwd: project.root });
    assert.equal(diff.status, 1);
    const report = JSON.parse(diff.stdout);
    assert.deepEqual(report.kept, []);
    assert.deepEqual(report.tags, [
      {
        file: 'dist/releases/dev.yaml', namespace: 'develop', name: 'helmbasic-develop', container: 'chart-image', path: ['spec', 'values', 'image', 'tag'],
        why: 'edited', previous: 'v0.0.4', written: 'v0.0.2', filter: 'glob:v*', next: 'the newest tag glob:v* admits (by image build time)',
      },
    ]);
    assert.deepEqual(report.changes[0].fields.find((f: { path: string[] }) => f.path.join('.') === 'spec.values.image.tag'), { path: ['spec', 'values', 'image', 'tag'], before: 'v0.0.4', after: 'v0.0.2' });
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    assert.equal(tagOf(file), 'v0.0.2');
    assert.equal(runCli(['check'], { cwd: project.root }).status, 0);
  });

  it('a file written before tags were recorded keeps the tag Flux committed (no spurious revert on upgrade)', () => {
    const { project, file } = seed();
    fluxV1Rewrite(file, 'helmbasic-develop', 'fontanillamiguel/apache', 'v0.0.2');
    // As today's files were: no record.
    edit(file, '    helmflux.dev/defined-tags: image.tag=v0.0.1\n', '');
    const synth = runCli(['synth'], { cwd: project.root });
    assert.equal(synth.status, 0, synth.stderr);
    assert.match(synth.stdout, /^kept tag v0\.0\.2 of develop\/helmbasic-develop/m);
    assert.equal(tagOf(file), 'v0.0.2');
    assert.equal(releaseOf(file).metadata.annotations['helmflux.dev/defined-tags'], 'image.tag=v0.0.1');
  });

  it('says when a tag in dist/ is refused by the filter and replaced', () => {
    const { project, file } = seed();
    fluxV1Rewrite(file, 'helmbasic-develop', 'fontanillamiguel/apache', 'latest');
    const synth = runCli(['synth'], { cwd: project.root });
    assert.match(synth.stdout, /^"latest" in develop\/helmbasic-develop \(chart-image\) is refused by glob:v\*; wrote the definition's "v0\.0\.1"$/m);
    assert.equal(tagOf(file), 'v0.0.1');
  });

  it('never rewrites a release file a merge left with conflict markers: synth exits 2 naming the line and the tag to keep; check and diff exit 1', () => {
    const { project, file } = seed();
    // Flux committed v0.0.2 on one branch; the other bumped the definition to v0.0.3 (the record merged cleanly).
    const text = fs.readFileSync(file, 'utf8').replace('image.tag=v0.0.1', 'image.tag=v0.0.3');
    const lines = text.split('\n');
    const at = lines.findIndex((l) => l === '      tag: v0.0.1');
    lines.splice(at, 1, '<<<<<<< HEAD', '      tag: v0.0.2', '=======', '      tag: v0.0.3', '>>>>>>> bump');
    fs.writeFileSync(file, lines.join('\n'));
    edit(path.join(project.environments, 'dev.ts'), "tag: 'v0.0.1'", "tag: 'v0.0.3'");
    const before = snapshotTree(project.dist);
    const synth = runCli(['synth'], { cwd: project.root });
    assert.equal(synth.status, 2, synth.stdout);
    assert.match(synth.stderr, new RegExp(`^dist/releases/dev\\.yaml: line ${at + 1}: holds git conflict markers \\(a merge left unresolved\\)\\. Resolve the conflict .* develop/helmbasic-develop \\(chart-image\\): keep tag "v0\\.0\\.3" \\(the definition's`, 'm'));
    assert.deepEqual(snapshotTree(project.dist), before);
    const check = runCli(['check'], { cwd: project.root });
    assert.equal(check.status, 1);
    assert.match(check.stdout, new RegExp(`^cannot read dist/releases/dev\\.yaml:${at + 1}: holds git conflict markers`, 'm'));
    const diff = runCli(['diff', '--format', 'json'], { cwd: project.root });
    assert.equal(diff.status, 1);
    assert.deepEqual(JSON.parse(diff.stdout).unreadable, [{ file: 'dist/releases/dev.yaml', line: at + 1, reason: 'holds git conflict markers (a merge left unresolved)' }]);
    assert.deepEqual(snapshotTree(project.dist), before);
  });

  it('after a real merge of a bump and a Flux commit: exit 2 naming the line and the bump, then the bump deploys once resolved', () => {
    const { project, file, dev } = seed();
    fs.writeFileSync(path.join(project.root, '.gitignore'), 'node_modules/\n');
    git(project.root, 'init', '-q', '-b', 'main');
    git(project.root, 'add', '-A');
    git(project.root, 'commit', '-qm', 'seed');
    // main: Flux commits v0.0.2. bump: the user bumps the definition to v0.0.3 and synthesizes.
    fluxV1Rewrite(file, 'helmbasic-develop', 'fontanillamiguel/apache', 'v0.0.2');
    git(project.root, 'commit', '-qam', 'Auto-release fontanillamiguel/apache:v0.0.2');
    git(project.root, 'checkout', '-q', '-b', 'bump', 'HEAD~1');
    edit(dev, "tag: 'v0.0.1'", "tag: 'v0.0.3'");
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    git(project.root, 'commit', '-qam', 'dev: v0.0.3');
    git(project.root, 'checkout', '-q', 'main');
    assert.throws(() => git(project.root, 'merge', '-q', '--no-edit', 'bump'), 'the tag line conflicts');
    const before = snapshotTree(project.dist);
    const synth = runCli(['synth'], { cwd: project.root });
    assert.equal(synth.status, 2, synth.stdout);
    assert.match(synth.stderr, /^dist\/releases\/dev\.yaml: line \d+: holds git conflict markers .*develop\/helmbasic-develop \(chart-image\): keep tag "v0\.0\.3" \(the definition's/m);
    assert.deepEqual(snapshotTree(project.dist), before);
    assert.equal(runCli(['check'], { cwd: project.root }).status, 1);
    // Resolved as told (either side, then synth): the bump deploys.
    git(project.root, 'checkout', '--theirs', '--', 'dist/releases/dev.yaml');
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    assert.equal(tagOf(file), 'v0.0.3');
    assert.equal(runCli(['check'], { cwd: project.root }).status, 0);
  });

  it('check and diff see malformed YAML under the header; synth rewrites a file that holds no automated release', () => {
    const { project } = seed();
    const pro = path.join(project.dist, 'releases', 'pro.yaml');
    fs.writeFileSync(pro, fs.readFileSync(pro, 'utf8').replace('  values:\n', '  values: [\n'));
    const check = runCli(['check'], { cwd: project.root });
    assert.equal(check.status, 1);
    assert.match(check.stdout, /^cannot read dist\/releases\/pro\.yaml:\d+: is not valid YAML/m);
    assert.equal(runCli(['diff'], { cwd: project.root }).status, 1);
    const synth = runCli(['synth'], { cwd: project.root });
    assert.equal(synth.status, 0, synth.stderr);
    assert.equal(runCli(['check'], { cwd: project.root }).status, 0);
  });
});

describe('promote and adopt, as the definition sees it', { skip: skipRuamel() }, () => {
  /** The seed with qa: automated on dev's chart, at v0.0.0. */
  function withQa() {
    const s = seedProject();
    const dev = fs.readFileSync(path.join(s.environments, 'dev.ts'), 'utf8');
    fs.writeFileSync(path.join(s.environments, 'qa.ts'), dev.replace(/develop'/g, "qa'").replace("ref: 'qa'", "ref: 'develop'").replace('helmbasic-develop', 'helmbasic-qa').replace("tag: 'v0.0.1'", "tag: 'v0.0.0'"));
    assert.equal(runCli(['synth'], { cwd: s.root }).status, 0);
    return s;
  }

  it('promote into an automated environment holding a tag Flux committed takes effect at the next synth', () => {
    const project = withQa();
    const qa = path.join(project.dist, 'releases', 'qa.yaml');
    fluxV1Rewrite(qa, 'helmbasic-qa', 'fontanillamiguel/apache', 'v0.0.5');
    fluxV1Rewrite(path.join(project.dist, 'releases', 'dev.yaml'), 'helmbasic-develop', 'fontanillamiguel/apache', 'v0.0.2');
    const promote = runCli(['promote', '--from', 'dev', '--to', 'qa'], { cwd: project.root });
    assert.equal(promote.status, 0, promote.stderr);
    assert.match(fs.readFileSync(path.join(project.environments, 'qa.ts'), 'utf8'), /tag: 'v0\.0\.2'/);
    const synth = runCli(['synth'], { cwd: project.root });
    assert.match(synth.stdout, /^environments\/qa\.ts changes the tag of qa\/helmbasic-qa \(chart-image\) to "v0\.0\.2" \(was "v0\.0\.5"\): written/m);
    assert.equal(tagOf(qa), 'v0.0.2');
    assert.equal(runCli(['check'], { cwd: project.root }).status, 0);
  });

  it('promote from a source file that does not parse exits 2, the target byte-identical', () => {
    const project = withQa();
    const dev = path.join(project.dist, 'releases', 'dev.yaml');
    fs.writeFileSync(dev, fs.readFileSync(dev, 'utf8').replace('      tag: v0.0.1\n', '<<<<<<< HEAD\n      tag: v0.0.1\n=======\n      tag: v0.0.2\n>>>>>>> flux\n'));
    const before = snapshotTree(project.root);
    const promote = runCli(['promote', '--from', 'dev', '--to', 'qa'], { cwd: project.root });
    assert.equal(promote.status, 2);
    assert.match(promote.stderr, /^dist\/releases\/dev\.yaml: line \d+: holds git conflict markers .* Nothing was written\.$/m);
    assert.deepEqual(snapshotTree(project.root), before);
  });

  /** A source with two containers (one under a hyphenated key) and a target of the same chart written in `target`. */
  function twoContainers(target: string) {
    const source = environmentSource({
      namespace: { name: 'aa' },
      releases: [{
        name: 'web', chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' },
        flux: { automated: true, containers: { 'web-app': { filter: 'glob:1.*' } } },
        values: { 'web-app': { image: { repository: 'org/web', tag: '1.2' } }, worker: { image: 'org/worker:1.0' } },
      }],
    });
    const project = tempProject({ 'aa.ts': source, 'bb.ts': `import { defineEnvironment } from 'helmflux';\n\nexport default defineEnvironment({\n  namespace: { name: 'bb' },\n  releases: [\n    {\n      name: 'web',\n      chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'prod' },\n      flux: { automated: true },\n${target}    },\n  ],\n});\n` });
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    return project;
  }

  for (const [what, target] of [
    ['a release without values', ''],
    ['an empty image object and an image string', "      values: { 'web-app': { image: {} }, worker: { image: 'org/worker:0.9' } },\n"],
  ] as const) {
    it(`promote of two containers, one under a hyphenated key, into ${what} gives a file that parses, validates and says the images`, () => {
      const project = twoContainers(target);
      const promote = runCli(['promote', '--from', 'aa', '--to', 'bb'], { cwd: project.root });
      assert.equal(promote.status, 0, promote.stderr);
      const text = fs.readFileSync(path.join(project.environments, 'bb.ts'), 'utf8');
      assert.equal(text.match(/values:/g)?.length, 1, text);
      assert.match(text, /'web-app': \{/);
      assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
      const values = releaseOf(path.join(project.dist, 'releases', 'bb.yaml')).spec.values;
      assert.deepEqual(values, { 'web-app': { image: { repository: 'org/web', tag: '1.2' } }, worker: { image: 'org/worker:1.0' } });
    });
  }

  it('promote refuses, file byte-identical, an edit a later spread overrides', () => {
    const project = twoContainers("      values: { 'web-app': { image: { repository: 'org/web', tag: '0.9' }, ...{ image: { repository: 'org/web', tag: '0.1' } } } },\n");
    const before = snapshotTree(project.root);
    const promote = runCli(['promote', '--from', 'aa', '--to', 'bb'], { cwd: project.root });
    assert.equal(promote.status, 2);
    assert.match(promote.stderr, /^environments\/bb\.ts: releases\["web"\]\.values\["web-app"\]\.image\.tag: the edit does not take effect: the file's definition gives "0\.1" there, not "1\.2"/m);
    assert.deepEqual(snapshotTree(project.root), before);
  });

  it('adopt --flux v2 --out writes the tag the controller committed at the marker', () => {
    const { project, dev } = seed();
    const out = path.join(project.root, 'fleet');
    assert.equal(runCli(['synth', '--flux', 'v2', '--out', out], { cwd: project.root }).status, 0);
    const file = path.join(out, 'releases', 'dev.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const marked = /^( {6}tag: )v0\.0\.1( # \{"\$imagepolicy": "fluxcd:develop.helmbasic-develop.chart-image:tag"\})$/m;
    assert.match(text, marked);
    fs.writeFileSync(file, text.replace(marked, '$1v0.0.7$2'));
    const adopt = runCli(['adopt', '--flux', 'v2', '--out', out], { cwd: project.root });
    assert.equal(adopt.status, 0, adopt.stderr);
    assert.match(fs.readFileSync(dev, 'utf8'), /tag: 'v0\.0\.7'/);
  });
});

describe('one Helm release, one HelmRelease', () => {
  it('two environments whose HelmReleases would manage the same Helm release are an error naming both files, from the cache too', () => {
    const release = (name: string, extra: Record<string, unknown>) => ({ name, releaseName: 'web', chart: { repository: 'https://charts.example.com', name: 'web', version: '1.0.0' }, ...extra });
    const project = tempProject({
      'a.ts': environmentSource({ namespace: { name: 'a' }, releases: [release('web', {})] }),
      'b.ts': environmentSource({ namespace: { name: 'b' }, releases: [release('web-b', {})] }),
    });
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    fs.writeFileSync(path.join(project.environments, 'b.ts'), environmentSource({ namespace: { name: 'b' }, releases: [release('web-b', { targetNamespace: 'a' })] }));
    const before = snapshotTree(project.dist);
    const synth = runCli(['synth'], { cwd: project.root });
    assert.equal(synth.status, 2);
    assert.match(synth.stderr, /^environments\/b\.ts: releases\["web-b"\]: manages Helm release "web" in namespace "a", as environments\/a\.ts's release "web" does: two HelmReleases of one Helm release fight over it\. Give one of them another releaseName/m);
    assert.deepEqual(snapshotTree(project.dist), before);
    assert.equal(runCli(['validate'], { cwd: project.root }).status, 2);
  });
});

describe('a renamed HelmRelease', () => {
  it('is one destructive change, renamed, with its previous name, when the Helm release stays', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    edit(path.join(project.environments, 'pro.ts'), "name: 'helmbasic-production'", "name: 'helmbasic-pro'");
    const diff = runCli(['diff', '--format', 'json'], { cwd: project.root });
    assert.equal(diff.status, 1);
    const changes = JSON.parse(diff.stdout).changes.filter((c: { kind: string; namespace: string }) => c.kind === 'HelmRelease' && c.namespace === 'production');
    assert.equal(changes.length, 1);
    assert.equal(changes[0].change, 'renamed');
    assert.equal(changes[0].previousName, 'helmbasic-production');
    assert.equal(changes[0].name, 'helmbasic-pro');
    assert.equal(changes[0].destructive, true);
    assert.match(changes[0].reason, /helm\.fluxcd\.io\/antecedent: production:helmrelease\/helmbasic-production/);
    assert.match(changes[0].reason, /uninstall release helmbasic-production/);
    const text = runCli(['diff'], { cwd: project.root }).stdout;
    assert.match(text, /^DESTRUCTIVE RENAMED HelmRelease production\/helmbasic-pro \(was helmbasic-production\)/m);
  });
});
