/**
 * `helmflux adopt` and `helmflux promote` edit environment files: only the
 * literals they must, formatting and comments kept, the type check still
 * passing, and the next synth writing exactly what dist/ holds.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { REPO, runCli, seedProject, snapshotTree } from './helpers';
import { fluxV1Rewrite, skipRuamel } from './ruamel';

/** Type-checks a temporary project's environment files and shared modules against helmflux's API. */
function typeCheck(root: string): { status: number | null; output: string } {
  const tsconfig = {
    compilerOptions: { strict: true, noEmit: true, resolveJsonModule: true, esModuleInterop: true, skipLibCheck: true, types: [], target: 'ES2022', module: 'commonjs', moduleResolution: 'node10', baseUrl: '.', paths: { helmflux: [path.join(REPO, 'src', 'api.ts')] } },
    include: ['environments/**/*.ts', 'common/**/*.ts', 'helmflux.settings.ts'],
  };
  fs.writeFileSync(path.join(root, 'tsconfig.json'), JSON.stringify(tsconfig));
  const result = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', root], { encoding: 'utf8' });
  return { status: result.status, output: result.stdout + result.stderr };
}

/** A synthesized seed project after Flux's auto-release of dev to v0.0.2. */
function afterAutoRelease() {
  const project = seedProject();
  assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
  fluxV1Rewrite(path.join(project.dist, 'releases', 'dev.yaml'), 'helmbasic-develop', 'fontanillamiguel/apache', 'v0.0.2');
  return project;
}

describe('helmflux adopt', { skip: skipRuamel() }, () => {
  it('writes the tag Flux committed into the environment file, only that literal, and the next synth writes nothing', () => {
    const project = afterAutoRelease();
    const dev = path.join(project.environments, 'dev.ts');
    const before = fs.readFileSync(dev, 'utf8');
    const result = runCli(['adopt'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^adopted environments\/dev\.ts: releases\["helmbasic-develop"\]\.values\.image\.tag: "v0\.0\.1" → "v0\.0\.2"$/m);
    assert.equal(fs.readFileSync(dev, 'utf8'), before.replace("tag: 'v0.0.1'", "tag: 'v0.0.2'"));
    // The next synth records the adopted tag as the definition's (helmflux.dev/defined-tags), and nothing else.
    const synth = runCli(['synth'], { cwd: project.root });
    assert.match(synth.stdout, /1 written, 7 unchanged, 0 removed/);
    assert.doesNotMatch(synth.stdout, /^kept /m);
    const release = YAML.parse(fs.readFileSync(path.join(project.dist, 'releases', 'dev.yaml'), 'utf8'));
    assert.equal(release.spec.values.image.tag, 'v0.0.2');
    assert.equal(release.metadata.annotations['helmflux.dev/defined-tags'], 'image.tag=v0.0.2');
    assert.match(runCli(['synth'], { cwd: project.root }).stdout, /0 written, 8 unchanged, 0 removed/);
    assert.equal(typeCheck(project.root).status, 0);
    assert.match(runCli(['adopt'], { cwd: project.root }).stdout, /^nothing to adopt/m);
  });

  it('refuses, writing nothing, when the tag is not a literal of the file, and says the exact change', () => {
    const project = afterAutoRelease();
    const dev = path.join(project.environments, 'dev.ts');
    fs.writeFileSync(path.join(project.root, 'common', 'tags.ts'), "export const devTag = 'v0.0.1';\n");
    fs.writeFileSync(dev, "import { devTag } from '../common/tags';\n" + fs.readFileSync(dev, 'utf8').replace("tag: 'v0.0.1'", 'tag: devTag'));
    const before = snapshotTree(project.root);
    const result = runCli(['adopt'], { cwd: project.root });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^environments\/dev\.ts: releases\["helmbasic-develop"\]\.values\.image\.tag: cannot be edited safely: releases\["helmbasic-develop"\]\.values\.image\.tag is Identifier in the file, not a string literal\. Set it to "v0\.0\.2" by hand/m);
    assert.deepEqual(snapshotTree(project.root), before);
  });
});

describe('helmflux promote', { skip: skipRuamel() }, () => {
  it('puts dev\'s v0.0.2 (kept in dist/) into environments/stg.ts with dev\'s filter, and after synth into dist/releases/stg.yaml', () => {
    const project = afterAutoRelease();
    const stg = path.join(project.environments, 'stg.ts');
    const before = fs.readFileSync(stg, 'utf8');
    const dry = runCli(['promote', '--from', 'dev', '--to', 'stg', '--dry-run'], { cwd: project.root });
    assert.equal(dry.status, 0, dry.stderr);
    assert.match(dry.stdout, /^\+ {8}image: \{ repository: 'fontanillamiguel\/apache', tag: 'v0\.0\.2' \},$/m);
    assert.equal(fs.readFileSync(stg, 'utf8'), before, 'a dry run writes nothing');
    const result = runCli(['promote', '--from', 'dev', '--to', 'stg'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^promoted chart-image of dev's helmbasic-develop to stg's helmbasic-staging: fontanillamiguel\/apache:v0\.0\.2 \(with its filter glob:v\*\)$/m);
    const after = fs.readFileSync(stg, 'utf8');
    assert.match(after, /flux: \{ automated: true, containers: \{ 'chart-image': \{ filter: 'glob:v\*' \} \} \},/);
    assert.equal(typeCheck(project.root).status, 0, typeCheck(project.root).output);
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const release = YAML.parse(fs.readFileSync(path.join(project.dist, 'releases', 'stg.yaml'), 'utf8'));
    assert.deepEqual(release.spec.values.image, { repository: 'fontanillamiguel/apache', tag: 'v0.0.2' });
    assert.equal(release.metadata.annotations['filter.fluxcd.io/chart-image'], 'glob:v*');
    // Promoting again changes nothing.
    assert.match(runCli(['promote', '--from', 'dev', '--to', 'stg'], { cwd: project.root }).stdout, /already has these images/);
  });

  it('refuses an ambiguous pairing, listing the candidates, and an environment without the chart', () => {
    const project = afterAutoRelease();
    const pro = path.join(project.environments, 'pro.ts');
    fs.writeFileSync(pro, fs.readFileSync(pro, 'utf8').replace(/(\n {4}helmbasics\.release\(\{\n {6}name: 'helmbasic-production',[\s\S]*?\n {4}\}\),)/, "$1\n    helmbasics.release({ name: 'canary', ref: 'master' }),"));
    const ambiguous = runCli(['promote', '--from', 'dev', '--to', 'pro'], { cwd: project.root });
    assert.equal(ambiguous.status, 2, ambiguous.stdout);
    assert.match(ambiguous.stderr, /^environments\/pro\.ts: releases: has 2 releases of the chart of dev's helmbasic-develop: helmbasic-production, canary\. /m);
    const none = runCli(['promote', '--from', 'dev', '--to', 'ingress'], { cwd: project.root });
    assert.equal(none.status, 2);
    assert.match(none.stderr, /^--to: "ingress": has no release of the chart of dev's automated releases\. /m);
  });
});
