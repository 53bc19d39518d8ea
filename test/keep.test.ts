/**
 * No fight with Flux's image automation: a tag Flux v1 committed into
 * dist/ (through its real rewrite, ruamel.yaml) is kept by synth, and is no
 * drift for check and diff, exactly when Flux could have made it.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { environmentSource, REFERENCE, runCli, seedProject, tempProject } from './helpers';
import { fluxV1Rewrite, skipRuamel } from './ruamel';

const releaseOf = (file: string) => YAML.parse(fs.readFileSync(file, 'utf8'));

describe('keeping what Flux\'s image automation commits', { skip: skipRuamel() }, () => {
  it('keeps the reference auto-release\'s tag (v0.0.2), says so, and check and diff see no drift', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const file = path.join(project.dist, 'releases', 'dev.yaml');
    fluxV1Rewrite(file, 'helmbasic-develop', 'fontanillamiguel/apache', 'v0.0.2');
    // What Flux committed is the seed repository's own auto-release commit, plus helmflux's helmVersion and its record of the definition's tag, which Flux's rewrite leaves alone.
    const committed = releaseOf(file);
    const reference = YAML.parse(fs.readFileSync(path.join(REFERENCE, '..', 'flux-v1-auto-release', 'releases', 'dev.yaml'), 'utf8'));
    delete committed.spec.helmVersion;
    assert.equal(committed.metadata.annotations['helmflux.dev/defined-tags'], 'image.tag=v0.0.1');
    delete committed.metadata.annotations['helmflux.dev/defined-tags'];
    assert.deepEqual(committed, reference);

    const check = runCli(['check'], { cwd: project.root });
    assert.equal(check.status, 0, check.stdout);
    assert.match(check.stdout, /^kept tag v0\.0\.2 of develop\/helmbasic-develop \(chart-image\), written by Flux's image automation; environments\/dev\.ts says "v0\.0\.1"/m);
    const synth = runCli(['synth'], { cwd: project.root });
    assert.equal(synth.status, 0, synth.stderr);
    assert.match(synth.stdout, /^kept tag v0\.0\.2 of develop\/helmbasic-develop/m);
    assert.equal(releaseOf(file).spec.values.image.tag, 'v0.0.2');
    const diff = runCli(['diff', '--format', 'json'], { cwd: project.root });
    assert.equal(diff.status, 0, diff.stdout);
    assert.deepEqual(JSON.parse(diff.stdout).kept, [
      { file: 'dist/releases/dev.yaml', namespace: 'develop', name: 'helmbasic-develop', container: 'chart-image', path: ['spec', 'values', 'image', 'tag'], kept: 'v0.0.2', defined: 'v0.0.1' },
    ]);
    // The kept value comes from dist/ itself: without the cache too.
    const noCache = runCli(['synth', '--no-cache'], { cwd: project.root });
    assert.match(noCache.stdout, /0 written, 8 unchanged/);
    assert.equal(releaseOf(file).spec.values.image.tag, 'v0.0.2');
  });

  it('lets the definition win for a tag the filter refuses, another field, or a locked release', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const file = path.join(project.dist, 'releases', 'dev.yaml');
    // `latest` does not pass glob:v*: Flux could not have made it.
    fluxV1Rewrite(file, 'helmbasic-develop', 'fontanillamiguel/apache', 'latest');
    const check = runCli(['check'], { cwd: project.root });
    assert.equal(check.status, 1);
    assert.match(check.stdout, /spec\.values\.image\.tag: "latest" → "v0\.0\.1"/);
    // A hand edit of another field is drift, while the tag Flux may have made stays.
    fluxV1Rewrite(file, 'helmbasic-develop', 'fontanillamiguel/apache', 'v0.0.3');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('replicaCount: 1', 'replicaCount: 5'));
    const edited = runCli(['check'], { cwd: project.root });
    assert.equal(edited.status, 1);
    assert.match(edited.stdout, /spec\.values\.replicaCount: 5 → 1/);
    assert.doesNotMatch(edited.stdout, /image\.tag: /);
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    assert.deepEqual([releaseOf(file).spec.values.replicaCount, releaseOf(file).spec.values.image.tag], [1, 'v0.0.3']);
    // Locked: the definition wins.
    const dev = path.join(project.environments, 'dev.ts');
    fs.writeFileSync(dev, fs.readFileSync(dev, 'utf8').replace('flux: { automated: true,', "flux: { automated: true, locked: true, lockedMessage: 'incident',"));
    const locked = runCli(['synth'], { cwd: project.root });
    assert.equal(locked.status, 0, locked.stderr);
    assert.equal(releaseOf(file).spec.values.image.tag, 'v0.0.1');
  });

  it('keeps tags of named containers and image strings, and calls a layout Flux changed formatting, not drift', () => {
    const project = tempProject({
      'web.ts': environmentSource({
        namespace: { name: 'web' },
        releases: [
          {
            name: 'web',
            chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' },
            flux: { automated: true, containers: { worker: { filter: 'regex:^1\\.[0-9]+$' } } },
            values: { worker: { image: 'org/worker:1.0' }, hosts: ['a.example.com', 'b.example.com'], empty: null, motd: 'hi 😀' },
          },
        ],
      }),
    });
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const file = path.join(project.dist, 'releases', 'web.yaml');
    // Flux moves worker to 1.7, rewriting the file with ruamel.yaml (another sequence indent, `null` as empty, the emoji escaped).
    const text = fs.readFileSync(file, 'utf8');
    fluxV1Rewrite(file, 'web', 'org/worker', '1.7', 'worker');
    const rewritten = fs.readFileSync(file, 'utf8');
    assert.notEqual(rewritten, text.replace('org/worker:1.0', 'org/worker:1.7'), 'ruamel.yaml changed the layout');
    const check = runCli(['check'], { cwd: project.root });
    assert.equal(check.status, 0, check.stdout);
    assert.match(check.stdout, /^would reformat dist\/releases\/web\.yaml /m);
    const synth = runCli(['synth'], { cwd: project.root });
    assert.match(synth.stdout, /^wrote dist\/releases\/web\.yaml$/m);
    assert.equal(releaseOf(file).spec.values.worker.image, 'org/worker:1.7');
    assert.equal(fs.readFileSync(file, 'utf8'), text.replace('org/worker:1.0', 'org/worker:1.7'), 'written back in helmflux\'s form');
    assert.match(runCli(['synth'], { cwd: project.root }).stdout, /0 written/);
  });
});
