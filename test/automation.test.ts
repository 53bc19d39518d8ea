/**
 * Flux v1 image automation: helmflux reads filters as Flux does, checked
 * against the Go libraries Flux uses (Debian's golang-github-masterminds-semver-dev
 * and golang-github-ryanuber-go-glob-dev, and Go's regexp), and the typed
 * settings render to Flux's annotations, through the real CLI.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { filterMatches, filterProblem } from '../src/images/filters';
import { semverConstraintProblem, semverMatches } from '../src/images/semver';
import { environmentSource, REPO, runCli, tempProject, withSeedShared } from './helpers';

const GOPATH = '/usr/share/gocode';

function skipGo(): string | false {
  const missing =
    spawnSync('go', ['version']).status !== 0
      ? 'go is not installed'
      : !fs.existsSync(path.join(GOPATH, 'src', 'github.com', 'Masterminds', 'semver')) || !fs.existsSync(path.join(GOPATH, 'src', 'github.com', 'ryanuber', 'go-glob'))
        ? 'the Go filter libraries are not installed'
        : undefined;
  if (missing === undefined) return false;
  if (process.env.CI) throw new Error(`${missing}: install golang-go golang-github-masterminds-semver-dev golang-github-ryanuber-go-glob-dev (.ci/run does)`);
  return `${missing} (apt-get install golang-go golang-github-masterminds-semver-dev golang-github-ryanuber-go-glob-dev)`;
}

/** Flux's own reading of filters: test/flux-filters/main.go. */
function goFilters(requests: { filter: string; tags: string[] }[]): { valid: boolean; matches: boolean[] }[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helmflux-filters-'));
  try {
    return JSON.parse(
      execFileSync('go', ['run', '.'], {
        cwd: path.join(REPO, 'test', 'flux-filters'),
        input: JSON.stringify(requests),
        encoding: 'utf8',
        env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '', GOPROXY: 'off', GOCACHE: path.join(dir, 'cache') },
      }),
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const TAGS = [
  'v0.0.1', 'v0.0.2', 'latest', 'v1.2.3', '1.2.3', 'V1', 'v10', 'main-abc123', '', 'v1.2.3-rc.1', 'x*y', 'a.b',
  '1.2', '1', '1.2.4', '1.3.0', '1.4.0', '1.4.1', '2.0.0', '2.1.5', '2.2.0', '3.0.0', '0.4.9', '0.5.0', '0.0.3', '0.1.0',
  '1.2.3-rc.2', '1.2.3-alpha', '1.2.3-1', '1.2.3-01', '1.2.3+build.1', '1.2.3-rc.1+b', '2.0.0-beta.1', 'v2.1', '01.2.3', '1.2.3.4',
];
const FILTERS = [
  'glob:*', 'glob:v*', 'glob:v*.*', 'glob:*-*', 'glob:', 'glob:v0.0.?', 'glob:[v]*', 'glob:**', 'glob:x*y', 'glob:a.b', 'glob:*.b*',
  'semver:>= 1.2, < 3.0.0', 'semver:!=1.2.3', 'semver:~1.2', 'semver:^1', 'semver:1.x', 'semver:1.2 - 1.4', 'semver:>=1 || <0.5',
  'semver:*', 'semver:v1.2.3', 'semver:=> 1.0', 'semver:~> 2.1', 'semver:1.2.3-rc.1', 'semver:', 'semver:latest', 'semver:>= 1.2,, < 3',
  'semver:1.2.3.4', 'semver:>>1', 'semver:1.2.3-01', 'semver:1|2', 'semver:99999999999999999999', 'semver:>=1.0 <2.0', 'semver: ~1.2 ',
  'regex:^v[0-9]+$', 'regex:^v[0-9+$', 'regexp:^main-[a-f0-9]+$', 'regex:(?=v)v', 'regex:v\\d+', 'regex:^(a|b)*$', 'regex:\\p{Greek}', 'regex:x{1001}',
  'regexp:[[:alpha:]]', 'regex:(?i)v1', 'regex:a**', 'regex:\\8',
  'semver:>1.2', 'semver:>1.x', 'semver:>1.2.x', 'semver:<=1.2', 'semver:<=1.x', 'semver:<1.2.3-rc.2', 'semver:!=1.x', 'semver:!=1.2.x',
  'semver:^0.5', 'semver:^0.0.3', 'semver:^0.x', 'semver:~0', 'semver:~1', 'semver:>=1.2.3-alpha', 'semver:1.2.3-rc.1 - 2.0.0', 'semver:x',
  'semver:=1.2.3', 'semver:~1.2.3-rc.1', 'semver:^1.2.3-0', 'semver:>= 1.2.3 < 2', 'semver:>0.0.0-0',
  'semver:\u00a0>=1.0', 'semver:>=1.0\u000b', 'semver:>=1.0 <', 'regexp:(?<v>[0-9]+)', 'regexp:(?P<v>[0-9]+)', 'regexp', 'semverX', 'v*',
];

describe('image filters, as Flux v1 reads them', () => {
  it('are valid exactly when Flux\'s libraries accept them', { skip: skipGo() }, () => {
    const answers = goFilters(FILTERS.map((filter) => ({ filter, tags: TAGS })));
    // helmflux requires a prefix where Flux reads anything else as a glob (the type says so): those are left out here.
    const prefixed = (f: string) => /^(glob|semver|regex|regexp):/.test(f);
    const wrong = FILTERS.filter((filter, i) => prefixed(filter) && (filterProblem(filter, '3.2') === undefined) !== answers[i].valid);
    assert.deepEqual(wrong, [], 'filters whose validity differs from Flux\'s');
  });

  it('match exactly the tags Flux\'s glob, semver and regex match', { skip: skipGo() }, () => {
    const answers = goFilters(FILTERS.map((filter) => ({ filter, tags: TAGS })));
    const wrong: string[] = [];
    FILTERS.forEach((filter, i) => {
      TAGS.forEach((tag, j) => {
        if (filterMatches(filter, tag, '3.2') !== answers[i].matches[j]) wrong.push(`${filter} ${JSON.stringify(tag)}: Flux ${answers[i].matches[j]}`);
      });
    });
    assert.deepEqual(wrong, []);
  });
});

describe('typed image automation', () => {
  const chart = { git: 'git@github.com:org/charts', path: 'charts/web', ref: 'main' };

  it('renders every setting to Flux\'s annotation, and reads a raw filter annotation as typed', () => {
    const project = tempProject({
      'dev.ts': environmentSource({
        namespace: { name: 'develop' },
        releases: [
          {
            name: 'web',
            chart,
            values: { image: { repository: 'org/web', tag: 'v1' }, sidecar: { image: 'org/side:v2' }, custom: { repo: 'org/custom', version: 'v3' } },
            flux: {
              automated: true,
              locked: true,
              lockedMessage: 'incident 42',
              lockedUser: 'ops',
              containers: { 'chart-image': { filter: 'semver:~1.2' }, mine: { filter: 'glob:v*', repository: 'custom.repo', tag: 'custom.version' } },
            },
            annotations: { 'filter.fluxcd.io/sidecar': 'regex:^v[0-9]+$' },
          },
        ],
      }),
    });
    const result = runCli(['synth'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    const release = YAML.parse(fs.readFileSync(path.join(project.dist, 'releases', 'dev.yaml'), 'utf8'));
    assert.deepEqual(release.metadata.annotations, {
      'filter.fluxcd.io/chart-image': 'semver:~1.2',
      'filter.fluxcd.io/mine': 'glob:v*',
      'filter.fluxcd.io/sidecar': 'regex:^v[0-9]+$',
      'fluxcd.io/automated': 'true',
      'fluxcd.io/locked': 'true',
      'fluxcd.io/locked_msg': 'incident 42',
      'fluxcd.io/locked_user': 'ops',
      'repository.fluxcd.io/mine': 'custom.repo',
      'tag.fluxcd.io/mine': 'custom.version',
    });
  });

  it('refuses, naming the field: an invalid filter (which Flux would read as every tag), a filter of a container the values lack, a tag that is not a string, an annotation given twice', () => {
    const project = tempProject({
      'dev.ts': environmentSource({
        namespace: { name: 'develop' },
        releases: [
          {
            name: 'web',
            chart,
            values: { image: { repository: 'org/web', tag: 1.1 } },
            flux: { automated: true, containers: { 'chart-image': { filter: 'regex:^v[0-9+$' }, worker: { filter: 'glob:v*' } } },
            annotations: { 'fluxcd.io/automated': 'true', 'filter.fluxcd.io/other': 'semver:>>1' },
          },
        ],
      }),
    });
    const result = runCli(['validate'], { cwd: project.root });
    assert.equal(result.status, 2);
    const lines = result.stderr.split('\n');
    const has = (start: string) => assert.ok(lines.some((l) => l.startsWith(start)), `${start}\nin:\n${result.stderr}`);
    has('environments/dev.ts: releases[0].flux.containers["chart-image"].filter: "regex:^v[0-9+$" is not a valid RE2 regular expression (error parsing regexp: missing closing ]: `[0-9+$`), and Flux would then update to every tag.');
    has('environments/dev.ts: releases[0].flux.containers.worker.filter: filters container "worker", which the values do not have. Use one of the release\'s containers: chart-image.');
    has('environments/dev.ts: releases[0].annotations["filter.fluxcd.io/other"]: "semver:>>1" is not a valid semver constraint');
    has('environments/dev.ts: releases[0].values.image.tag: is 1.1, not a string: Flux updates only tags written as strings. Quote it: \'1.1\'.');
    has('environments/dev.ts: releases[0].annotations["fluxcd.io/automated"]: is set by flux.automated. Remove the annotation and keep flux.automated.');
  });

  it('warns that a filter on a release that is not automated has no effect', () => {
    const project = tempProject({
      'dev.ts': environmentSource({
        namespace: { name: 'develop' },
        releases: [{ name: 'web', chart, values: { image: { repository: 'org/web', tag: 'v1' } }, flux: { containers: { 'chart-image': { filter: 'glob:v*' } } } }],
      }),
    });
    for (let run = 0; run < 2; run++) {
      const result = runCli(['synth'], { cwd: project.root });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stderr, /^helmflux: warning: environments\/dev\.ts: release web: filter\.fluxcd\.io\/chart-image has no effect: the release is not automated/m, run === 0 ? 'rendered' : 'from the cache');
    }
  });

  it('gives the seed\'s dev environment the post\'s automation: chart-image filtered by glob:v*, at v0.0.1', () => {
    const release = YAML.parse(fs.readFileSync(path.join(REPO, 'dist', 'releases', 'dev.yaml'), 'utf8'));
    assert.equal(release.metadata.annotations['filter.fluxcd.io/chart-image'], 'glob:v*');
    assert.deepEqual(release.spec.values.image, { repository: 'fontanillamiguel/apache', tag: 'v0.0.1' });
    // The dev environment, with regex:^v[0-9+$ as its filter, fails validate.
    const project = withSeedShared(tempProject({ 'dev.ts': fs.readFileSync(path.join(REPO, 'environments', 'dev.ts'), 'utf8').replace("'glob:v*'", "'regex:^v[0-9+$'") }));
    assert.equal(runCli(['validate'], { cwd: project.root }).status, 2);
  });
});

describe('Flux v1 reads semver filters as Masterminds semver v3.1.1, Flux v2 as v3.2', () => {
  // The three differences between the two releases (git diff v3.1.1 v3.2.0 -- constraints.go).
  it('^0.0.z: v3.1.1 compares the patch alone, v3.2 the minor too', () => {
    assert.equal(semverMatches('^0.0.3', '0.1.3', '3.1.1'), true);
    assert.equal(semverMatches('^0.0.3', '0.1.3', '3.2'), false);
    for (const dialect of ['3.1.1', '3.2'] as const) {
      assert.equal(semverMatches('^0.0.3', '0.0.3', dialect), true);
      assert.equal(semverMatches('^0.0.3', '0.0.4', dialect), false);
    }
  });

  it('constraints with no separator, or a trailing comma: valid in v3.1.1, not in v3.2', () => {
    for (const constraint of ['>1<2', '>=1<2', '>1,', '>=1.2<1.4']) {
      assert.equal(semverConstraintProblem(constraint, '3.1.1'), undefined, constraint);
      assert.match(semverConstraintProblem(constraint, '3.2') ?? '', /improper constraint/, constraint);
    }
    // `>1` is `>=2.0.0` (a minor left out is dirty); `>=1<2` admits 1.x.
    assert.equal(semverMatches('>=1<2', '1.5.0', '3.1.1'), true);
    assert.equal(semverMatches('>=1<2', '2.5.0', '3.1.1'), false);
  });

  it('a wildcard with a prerelease: v3.1.1 drops the prerelease (no prerelease tag passes), v3.2 keeps it', () => {
    assert.equal(semverMatches('*-alpha', '1.0.0-beta', '3.1.1'), false);
    assert.equal(semverMatches('*-alpha', '1.0.0-beta', '3.2'), true);
    assert.equal(semverMatches('*-alpha', '1.0.0', '3.1.1'), true);
  });

  it('validation reads a filter as the Flux written for does', () => {
    const project = tempProject({
      'web.ts': environmentSource({
        namespace: { name: 'web' },
        releases: [{ name: 'web', chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' }, flux: { automated: true, containers: { 'chart-image': { filter: 'semver:>1<2' } } }, values: { image: { repository: 'org/web', tag: '1.0.0' } } }],
      }),
    });
    fs.writeFileSync(path.join(project.root, 'helmflux.settings.ts'), "import { defineSettings } from 'helmflux';\n\nexport default defineSettings({ chartsGitUrl: 'git@github.com:org/charts', gitops: { url: 'ssh://git@github.com/org/fleet', branch: 'main', path: 'dist' } });\n");
    assert.equal(runCli(['validate'], { cwd: project.root }).status, 0);
    const v2 = runCli(['validate', '--flux', 'v2'], { cwd: project.root });
    assert.equal(v2.status, 2);
    assert.match(v2.stderr, /is not a valid semver constraint \(Masterminds semver v3\.2, as Flux v2 reads it\)/);
  });
});
