/**
 * One case per validation rule: the message names the file and the field,
 * says what is wrong and how to fix it. (test/bad-input.test.ts runs a larger
 * corpus through the real CLI.)
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { LoadedEnvironment } from '../src/load/loader';
import { formatProblem } from '../src/problems';
import { NO_SETTINGS } from '../src/definition/settings';
import { checkUniqueNamespaces, validateEnvironments } from '../src/definition/validate';

const release = { name: 'web', chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' } };

function loaded(definition: unknown, name = 'dev'): LoadedEnvironment {
  return { name, file: `environments/${name}.ts`, definition, source: { hash: '', deps: {}, cacheable: true } };
}

function messages(...envs: LoadedEnvironment[]): string[] {
  return validateEnvironments(envs, NO_SETTINGS).problems.map(formatProblem);
}

const cases: Array<[string, unknown, string]> = [
  ['a namespace that is not a DNS label', { namespace: { name: 'Dev_1' } }, 'environments/dev.ts: namespace.name: "Dev_1" is not valid. Use at most 63 lowercase letters'],
  ['a reserved namespace', { namespace: { name: 'kube-system' } }, 'environments/dev.ts: namespace.name: "kube-system" is reserved. Use a namespace of the environment\'s own'],
  ['the namespace Flux runs in', { namespace: { name: 'fluxcd' } }, 'environments/dev.ts: namespace.name: "fluxcd" is reserved.'],
  ['a missing namespace', { releases: [] }, 'environments/dev.ts: namespace: is required. Add namespace.'],
  ['an unknown top-level field', { namespace: { name: 'develop' }, realeses: [] }, 'environments/dev.ts: realeses: is not a known field. Did you mean releases? Remove it or correct its spelling; the fields here are namespace, releases.'],
  ['an unknown release field', { namespace: { name: 'develop' }, releases: [{ ...release, value: {} }] }, 'environments/dev.ts: releases[0].value: is not a known field.'],
  ['a release name that is not a DNS label', { namespace: { name: 'develop' }, releases: [{ ...release, name: 'Web' }] }, 'environments/dev.ts: releases[0].name: "Web" is not valid.'],
  ['a releaseName over 53 characters', { namespace: { name: 'develop' }, releases: [{ ...release, releaseName: 'r'.repeat(54) }] }, `environments/dev.ts: releases[0].releaseName: "${'r'.repeat(54)}" is longer than 53 characters. Helm release names are at most 53`],
  ['a derived release name over 53 characters', { namespace: { name: 'n'.repeat(40) }, releases: [{ ...release, name: 'w'.repeat(20) }] }, 'environments/dev.ts: releases[0].releaseName: the release name the operator derives, "' + 'n'.repeat(40) + '-' + 'w'.repeat(20) + '" (<namespace>-<name>), is 61 characters, over Helm\'s limit of 53. Set releaseName'],
  ['two releases with one name', { namespace: { name: 'develop' }, releases: [release, release] }, 'environments/dev.ts: releases[1].name: "web" is already the name of releases[0]. Give each release of a namespace its own name.'],
  ['two releases with one Helm release name', { namespace: { name: 'develop' }, releases: [{ ...release, releaseName: 'x' }, { ...release, name: 'api', releaseName: 'x' }] }, 'environments/dev.ts: releases[1].releaseName: Helm release "x" is already installed by releases[0].'],
  ['both chart sources', { namespace: { name: 'develop' }, releases: [{ name: 'web', chart: { git: 'git@github.com:a/b', path: 'p', ref: 'r', repository: 'https://c.example.com' } }] }, 'environments/dev.ts: releases[0].chart: has both git and repository. Use exactly one chart source'],
  ['no chart source', { namespace: { name: 'develop' }, releases: [{ name: 'web', chart: { path: 'p' } }] }, 'environments/dev.ts: releases[0].chart: has neither git nor repository.'],
  ['a git chart without ref', { namespace: { name: 'develop' }, releases: [{ name: 'web', chart: { git: 'git@github.com:a/b', path: 'p' } }] }, 'environments/dev.ts: releases[0].chart.ref: is required for a git chart. Add ref: a branch, tag or commit, e.g. "master".'],
  ['a git chart with a version', { namespace: { name: 'develop' }, releases: [{ name: 'web', chart: { git: 'git@github.com:a/b', path: 'p', ref: 'r', version: '1' } }] }, 'environments/dev.ts: releases[0].chart.version: does not apply to a git chart. Remove version; a git chart takes path and ref.'],
  ['an empty ref', { namespace: { name: 'develop' }, releases: [{ name: 'web', chart: { git: 'git@github.com:a/b', path: 'p', ref: '' } }] }, 'environments/dev.ts: releases[0].chart.ref: must not be empty. Use a branch, tag or commit'],
  ['an empty path', { namespace: { name: 'develop' }, releases: [{ name: 'web', chart: { git: 'git@github.com:a/b', path: '', ref: 'r' } }] }, 'environments/dev.ts: releases[0].chart.path: must not be empty.'],
  ['a path leaving the repository', { namespace: { name: 'develop' }, releases: [{ name: 'web', chart: { git: 'git@github.com:a/b', path: '../x', ref: 'r' } }] }, 'environments/dev.ts: releases[0].chart.path: "../x" is not valid. Use the chart folder relative to the repository root'],
  ['a git URL that is not one', { namespace: { name: 'develop' }, releases: [{ name: 'web', chart: { git: 'github.com/a/b', path: 'p', ref: 'r' } }] }, 'environments/dev.ts: releases[0].chart.git: "github.com/a/b" is not valid. Use an SSH or URL form'],
  ['a Helm repository that is not http(s)', { namespace: { name: 'develop' }, releases: [{ name: 'web', chart: { repository: 'oci://r.example.com/c', name: 'c', version: '1' } }] }, 'environments/dev.ts: releases[0].chart.repository: "oci://r.example.com/c" is not valid. Use the http(s) URL of the Helm repository'],
  ['a Helm repository chart without version', { namespace: { name: 'develop' }, releases: [{ name: 'web', chart: { repository: 'https://c.example.com', name: 'c' } }] }, 'environments/dev.ts: releases[0].chart.version: is required for a Helm repository chart.'],
  ['a helmVersion Helm never had', { namespace: { name: 'develop' }, releases: [{ ...release, helmVersion: 'v4' }] }, 'environments/dev.ts: releases[0].helmVersion: "v4" is not one of "v2", "v3".'],
  ['a label value that is not one', { namespace: { name: 'develop', labels: { team: 'web team' } } }, 'environments/dev.ts: namespace.labels.team: "web team" is not valid. Use at most 63 letters'],
  ['an annotation that is not a string', { namespace: { name: 'develop', annotations: { replicas: 3 } } }, 'environments/dev.ts: namespace.annotations.replicas: must be a string (got the number 3). Annotation values are strings'],
  ['the automated annotation beside flux settings', { namespace: { name: 'develop' }, releases: [{ ...release, flux: { automated: true }, annotations: { 'fluxcd.io/automated': 'true' } }] }, 'environments/dev.ts: releases[0].annotations["fluxcd.io/automated"]: is set by flux.automated.'],
  ['a default export that is not an object', 'develop', 'environments/dev.ts: (default export): must be an object (got the string "develop"). Use an object.'],
  ['undefined in values', { namespace: { name: 'develop' }, releases: [{ ...release, values: { a: { b: undefined } } }] }, 'environments/dev.ts: releases[0].values.a.b: is undefined. Remove the key, or use null'],
  ['NaN in values', { namespace: { name: 'develop' }, releases: [{ ...release, values: { list: [1, Number.NaN] } }] }, 'environments/dev.ts: releases[0].values.list[1]: is NaN, which is not JSON data.'],
  ['a cycle in values', (() => { const v: any = { a: {} }; v.a.back = v; return { namespace: { name: 'develop' }, releases: [{ ...release, values: v }] }; })(), 'environments/dev.ts: releases[0].values.a.back: refers back to an object that contains it (a cycle).'],
  ['a Map in values', { namespace: { name: 'develop' }, releases: [{ ...release, values: { m: new Map() } }] }, 'environments/dev.ts: releases[0].values.m: is a Map object, not plain data.'],
  ['a values key longer than YAML parsers accept once quoted', { namespace: { name: 'develop' }, releases: [{ ...release, values: { ['"'.repeat(600)]: 1 } }] }, 'environments/dev.ts: releases[0].values["' + '\\"'.repeat(600) + '"]: key is 1202 characters as YAML, over the 1024 YAML parsers accept. Shorten the key.'],
  ['values over the size limit', { namespace: { name: 'develop' }, releases: [{ ...release, values: { blob: 'x'.repeat(600 * 1024) } }] }, 'environments/dev.ts: releases[0].values: are 614411 bytes as JSON, over the limit of 524288 (512 KiB).'],
];

describe('validateEnvironments', () => {
  for (const [what, definition, expected] of cases) {
    it(`rejects ${what}`, () => {
      const found = messages(loaded(definition));
      assert.ok(found.some((m) => m.startsWith(expected)), `expected a message starting with:\n${expected}\ngot:\n${found.join('\n')}`);
    });
  }

  it('rejects a file name that is not a DNS label', () => {
    assert.ok(messages(loaded({ namespace: { name: 'develop' } }, 'Dev_env'))[0].startsWith('environments/Dev_env.ts: (file name): "Dev_env" is not a valid environment name (it holds "D", U+0044). Rename the file'));
  });

  it('rejects a namespace two environments claim, naming the first', () => {
    const found = checkUniqueNamespaces([
      { file: 'environments/a.ts', namespace: 'shared' },
      { file: 'environments/b.ts', namespace: 'other' },
      { file: 'environments/c.ts', namespace: 'shared' },
    ]).map(formatProblem);
    assert.deepEqual(found, ['environments/c.ts: namespace.name: namespace "shared" is already the namespace of environments/a.ts. Give each environment its own namespace, or merge the two environments into one file.']);
  });

  it('collects every problem of every environment', () => {
    const found = validateEnvironments([
      loaded({ namespace: { name: 'default' }, releases: [{ ...release, chart: { git: 'git@github.com:a/b', path: 'p', ref: '' } }] }, 'a'),
      loaded({ namespace: { name: 'b' }, extra: 1 }, 'b'),
    ], NO_SETTINGS).problems;
    assert.deepEqual(found.map((p) => `${p.file} ${p.field}`), ['environments/a.ts releases[0].chart.ref', 'environments/b.ts extra']);
  });

  it('accepts the seed-like definition and keys with dots, slashes and $', () => {
    const result = validateEnvironments([
      loaded({ namespace: { name: 'develop' }, releases: [{ ...release, values: { 'kubernetes.io/ingress.class': 'nginx', $schema: 'x', 'a/b': [null, { c: true }] } }] }),
    ], NO_SETTINGS);
    assert.deepEqual(result.problems, []);
    assert.equal(result.valid.length, 1);
  });
});
