/**
 * Docs in step with the output: every JSON shape the README documents is
 * checked against what the command really prints, so a field cannot drift
 * from its documentation; and `helmflux status`, where every version runs.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO, runCli, seedProject } from './helpers';
import { fluxV1Rewrite, skipRuamel } from './ruamel';

const README = fs.readFileSync(path.join(REPO, 'README.md'), 'utf8');

/** The quoted keys of the first `{ ... }` after `anchor` in the README, at its top level: a quoted word after `{` or `,` (a value follows `:`). */
function documentedKeys(anchor: string): string[] {
  const at = README.indexOf(anchor);
  assert.ok(at >= 0, `the README documents ${anchor}`);
  const start = README.indexOf('{', at);
  const keys: string[] = [];
  let depth = 0;
  let previous = '';
  for (let i = start; i < README.length; i++) {
    const c = README[i];
    if (c === '{' || c === '[') depth++;
    else if (c === '}' || c === ']') {
      depth--;
      if (depth === 0) break;
    } else if (c === '"') {
      const end = README.indexOf('"', i + 1);
      if (depth === 1 && (previous === '{' || previous === ',')) keys.push(README.slice(i + 1, end));
      i = end;
      previous = '"';
      continue;
    }
    if (!/\s/.test(c)) previous = c;
  }
  return [...new Set(keys)].sort();
}

describe('every JSON shape in the README is the real output', () => {
  const project = seedProject();
  assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);

  it('check --json', () => {
    const out = JSON.parse(runCli(['check', '--json'], { cwd: project.root }).stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out).sort(), documentedKeys('`check`: `{'));
  });

  it('diff --format json (the README example, change and all)', () => {
    const pro = path.join(project.environments, 'pro.ts');
    const text = fs.readFileSync(pro, 'utf8');
    fs.writeFileSync(pro, text.replace('replicaCount: 3', 'replicaCount: 4'));
    const out = JSON.parse(runCli(['diff', '--format', 'json'], { cwd: project.root }).stdout) as { changes: Record<string, unknown>[] } & Record<string, unknown>;
    fs.writeFileSync(pro, text);
    assert.deepEqual(Object.keys(out).sort(), documentedKeys('```json\n  { "against"'));
    assert.deepEqual(Object.keys(out.changes[0]).sort(), documentedKeys('"changes": ['));
  });

  it('validate --json', () => {
    const out = JSON.parse(runCli(['validate', '--json'], { cwd: project.root }).stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(out).sort(), documentedKeys('`validate`: `{'));
  });

  it('list --json, chart by its fields', () => {
    const out = JSON.parse(runCli(['list', '--json'], { cwd: project.root }).stdout) as Record<string, unknown>[];
    assert.deepEqual(Object.keys(out[0]).sort(), documentedKeys('`list`: an array of `{'));
    assert.deepEqual(Object.keys(out[0].chart as object).sort(), ['git', 'path', 'ref']);
  });

  it('status --format json', () => {
    const out = JSON.parse(runCli(['status', '--format', 'json'], { cwd: project.root }).stdout) as { rows: Record<string, unknown>[] };
    assert.deepEqual(Object.keys(out), documentedKeys('`status --format json`: `{'));
    assert.deepEqual(Object.keys(out.rows[0]).sort(), documentedKeys('"rows": [ {').sort());
    assert.deepEqual(Object.keys((out.rows[0].images as object[])[0]).sort(), documentedKeys('"images": [ {').sort());
  });
});

describe('helmflux status', () => {
  it('on the seed: every environment, its release, chart ref, dev\'s tag and filter', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const { rows } = JSON.parse(runCli(['status', '--format', 'json'], { cwd: project.root }).stdout) as { rows: { environment: string; release: string; chart: { ref: string }; images: { repository: string; tag: string; filter: string; tagFrom: string }[] }[] };
    assert.deepEqual(rows.map((r) => [r.environment, r.release, r.chart.ref]), [
      ['dev', 'helmbasic-develop', 'develop'],
      ['ingress', 'nginx-ingress', 'master'],
      ['pro', 'helmbasic-production', 'master'],
      ['stg', 'helmbasic-staging', 'staging'],
    ]);
    assert.deepEqual(rows[0].images, [{ container: 'chart-image', repository: 'fontanillamiguel/apache', tag: 'v0.0.1', filter: 'glob:v*', tagFrom: 'definition' }]);
    const mermaid = runCli(['status', '--format', 'mermaid'], { cwd: project.root }).stdout;
    assert.match(mermaid, /^flowchart LR\n/);
    for (const release of ['helmbasic-develop', 'nginx-ingress', 'helmbasic-production', 'helmbasic-staging']) assert.match(mermaid, new RegExp(`\\["${release}(<br/>|")`));
    assert.match(mermaid, /fontanillamiguel\/apache:v0\.0\.1/);
    assert.match(runCli(['status'], { cwd: project.root }).stdout, /^dev +develop +helmbasic-develop .* develop +fontanillamiguel\/apache +v0\.0\.1 +glob:v\* +definition$/m);
  });

  it('says when a tag is one Flux committed, and reads a Flux v2 folder', { skip: skipRuamel() }, () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    fluxV1Rewrite(path.join(project.dist, 'releases', 'dev.yaml'), 'helmbasic-develop', 'fontanillamiguel/apache', 'v0.0.2');
    const { rows } = JSON.parse(runCli(['status', '--format', 'json', '--env', 'dev'], { cwd: project.root }).stdout) as { rows: { images: { tag: string; tagFrom: string }[] }[] };
    assert.deepEqual(rows[0].images.map((i) => [i.tag, i.tagFrom]), [['v0.0.2', 'flux']]);
    assert.equal(runCli(['synth', '--flux', 'v2', '--out', 'fleet'], { cwd: project.root }).status, 0);
    const v2 = JSON.parse(runCli(['status', '--format', 'json', '--out', 'fleet'], { cwd: project.root }).stdout) as { rows: { environment: string; chart: { git: string; ref: string }; images: { filter: string }[] }[] };
    const dev = v2.rows.find((r) => r.environment === 'dev')!;
    assert.deepEqual([dev.chart.git, dev.chart.ref, dev.images[0].filter], ['ssh://git@github.com/mifonpe/helmflux', 'develop', 'regex:^v.*$']);
  });

  it('diff --format markdown shows the matrix of the environments a change touches, the changed cell marked', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const stg = path.join(project.environments, 'stg.ts');
    fs.writeFileSync(stg, fs.readFileSync(stg, 'utf8').replace("ref: 'staging'", "ref: 'release-2'"));
    const markdown = runCli(['diff', '--format', 'markdown'], { cwd: project.root }).stdout;
    assert.match(markdown, /#### Where versions run, after this change/);
    assert.match(markdown, /^\| stg \| staging \| helmbasic-staging \| .* \| \*\*release-2\*\* ✎ \|/m);
    assert.doesNotMatch(markdown.slice(markdown.indexOf('#### Where versions run')), /^\| dev /m, 'only the environments the change touches');
  });
});

describe('progress on long work', () => {
  const many = () => {
    const project = seedProject();
    const dev = fs.readFileSync(path.join(project.environments, 'dev.ts'), 'utf8');
    for (let i = 0; i < 250; i++) fs.writeFileSync(path.join(project.environments, `e${i}.ts`), dev.replace(/'develop'/g, `'e${i}'`).replace("ref: 'e" + i + "'", "ref: 'develop'").replace(/helmbasic-develop/g, `web-e${i}`));
    return project;
  };

  it('synth reports its phases on stderr when stderr is a terminal, and nothing otherwise or with --quiet', () => {
    const project = many();
    const plain = runCli(['synth'], { cwd: project.root });
    assert.equal(plain.status, 0, plain.stderr);
    assert.doesNotMatch(plain.stderr, /helmflux: loading/, 'not a terminal: no progress');
    // A terminal, by script(1): stderr is a pty.
    const script = (args: string) => spawnSync('script', ['-qec', `node ${path.join(REPO, 'bin', 'helmflux.js')} ${args}`, '/dev/null'], { cwd: project.root, encoding: 'utf8' });
    fs.rmSync(project.dist, { recursive: true });
    const tty = script('synth --no-cache');
    assert.equal(tty.status, 0, tty.stdout);
    assert.match(tty.stdout, /helmflux: loading, checking and rendering 254 environment files on \d threads? \(0 unchanged, from the cache\)/);
    const quiet = script('synth --no-cache --quiet');
    assert.doesNotMatch(quiet.stdout, /helmflux: loading/);
  });
});
