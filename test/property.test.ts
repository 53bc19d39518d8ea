/**
 * Property tests (fast-check): random valid definitions always render to
 * objects the upstream schemas accept and that read back (YAML 1.2 and go-yaml
 * v2) as exactly the data defined; random invalid definitions always fail
 * validation, and through the CLI exit 2 without writing.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import * as YAML from 'yaml';
import type { ChartSource, EnvironmentDefinition, HelmValues } from '../src/definition/types';
import type { LoadedEnvironment } from '../src/load/loader';
import { renderEnvironments } from '../src/targets/flux-v1/render';
import { NO_SETTINGS } from '../src/definition/settings';
import { validateEnvironments } from '../src/definition/validate';
import { goYamlDecode, skipGoYaml } from './goyaml';
import { runCli, snapshotTree, tempProject } from './helpers';

const SEED = 20261124;

const dnsLabel = fc.stringMatching(/^[a-z]([-a-z0-9]{0,20}[a-z0-9])?$/);
/** Strings that stress YAML: reserved words, numbers, dates, indicators, unicode, line breaks. */
const nastyString = fc.oneof(
  fc.constantFrom('on', 'off', 'yes', 'no', 'y', 'n', 'Y', 'N', 'true', 'False', '~', 'null', 'NULL', '0777', '0o17', '0x1F', '1e3', '1_000', '.inf', '-.Inf', '.nan', '2020-05-24', '12:30', '', ' lead', 'trail ', '<<', '- x', 'a: b', '# c', '"q"', "'s'", 'back\\slash', 'multi\nline\n', 'emoji 🚀', '\u2028', '\u0085'),
  fc.string({ unit: 'grapheme', maxLength: 30 }),
  fc.string({ maxLength: 30 }),
);
const scalar = fc.oneof(nastyString, fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.boolean(), fc.constant(null));
const valueKey = fc.oneof(nastyString.filter((k) => k !== '__proto__'), fc.constantFrom('kubernetes.io/ingress.class', '$schema', 'a.b/c'));
const values: fc.Arbitrary<HelmValues> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(valueKey, tie('value'), { maxKeys: 5 }),
})).object as fc.Arbitrary<HelmValues>;

const chart: fc.Arbitrary<ChartSource> = fc.oneof(
  fc.record({ git: fc.constantFrom('git@github.com:org/charts', 'https://github.com/org/charts'), path: dnsLabel, ref: dnsLabel }),
  fc.record({ repository: fc.constantFrom('https://charts.example.com', 'http://charts.example.com/stable'), name: dnsLabel, version: fc.constantFrom('1.0.0', '10.5.7') }),
);

const definition: fc.Arbitrary<EnvironmentDefinition> = fc.record(
  {
    namespace: fc.record({ name: dnsLabel.filter((n) => !['default', 'fluxcd'].includes(n) && !n.startsWith('kube-')) }),
    releases: fc.uniqueArray(
      fc.record({ name: dnsLabel, chart, values, helmVersion: fc.constantFrom('v2' as const, 'v3' as const), flux: fc.record({ automated: fc.boolean() }) }, { requiredKeys: ['name', 'chart'] }),
      { selector: (r) => r.name, maxLength: 3 },
    ),
  },
  { requiredKeys: ['namespace'] },
).map((d) => ({ ...d, releases: d.releases?.map((r) => ({ ...r, releaseName: `${r.name}-rel` })) }));

const loaded = (d: unknown, name = 'env'): LoadedEnvironment => ({ name, file: `environments/${name}.ts`, definition: d, source: { hash: '', deps: {}, cacheable: true } });

describe('property: valid definitions', () => {
  it('render to schema-valid objects that read back as the data defined', (t) => {
    const texts: string[] = [];
    const expected: unknown[][] = [];
    fc.assert(
      fc.property(definition, (d) => {
        const checked = validateEnvironments([loaded(d)], NO_SETTINGS);
        assert.deepEqual(checked.problems, []);
        const { files, problems } = renderEnvironments(checked.valid);
        assert.deepEqual(problems, [], 'the strict upstream schemas accept every object');
        for (const file of files) {
          const docs = YAML.parseAllDocuments(file.text).map((doc) => doc.toJS());
          if (file.path.startsWith('releases/')) {
            assert.deepEqual(
              docs.map((o) => o.spec.values),
              (d.releases ?? []).map((r) => (r.values === undefined ? undefined : JSON.parse(JSON.stringify(r.values)))),
            );
          } else {
            assert.equal(docs[0].metadata.name, d.namespace.name);
          }
          texts.push(file.text);
          expected.push(docs);
        }
      }),
      { seed: SEED, numRuns: 300 },
    );
    const skip = skipGoYaml();
    if (skip) return t.skip(skip);
    // One go-yaml run for every file: what YAML 1.2 read, YAML 1.1 must read too.
    assert.deepEqual(goYamlDecode(texts), expected);
  });
});

/** Ways to break a valid definition, each one validation must catch. */
const breakages: Array<[string, (d: any) => void]> = [
  ['namespace not a label', (d) => (d.namespace.name = 'Not_Valid')],
  ['reserved namespace', (d) => (d.namespace.name = 'kube-system')],
  ['unknown field', (d) => (d.extra = true)],
  ['release without chart', (d) => (d.releases = [{ name: 'web' }])],
  ['both chart kinds', (d) => (d.releases = [{ name: 'web', chart: { git: 'git@github.com:o/c', path: 'p', ref: 'r', repository: 'https://c.example.com' } }])],
  ['NaN value', (d) => (d.releases = [{ name: 'web', chart: { git: 'git@github.com:o/c', path: 'p', ref: 'r' }, values: { x: Number.NaN } }])],
  ['undefined value', (d) => (d.releases = [{ name: 'web', chart: { git: 'git@github.com:o/c', path: 'p', ref: 'r' }, values: { x: undefined } }])],
  ['releaseName over 53', (d) => (d.releases = [{ name: 'web', releaseName: 'r'.repeat(54), chart: { git: 'git@github.com:o/c', path: 'p', ref: 'r' } }])],
  ['empty ref', (d) => (d.releases = [{ name: 'web', chart: { git: 'git@github.com:o/c', path: 'p', ref: '' } }])],
];

describe('property: invalid definitions', () => {
  it('always fail validation', () => {
    fc.assert(
      fc.property(definition, fc.constantFrom(...breakages), (d, [, breakIt]) => {
        const broken = structuredClone(d);
        breakIt(broken);
        assert.ok(validateEnvironments([loaded(broken)], NO_SETTINGS).problems.length > 0);
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('exit 2 through the CLI and write nothing', () => {
    const samples = fc.sample(fc.tuple(definition, fc.constantFrom(...breakages.filter(([name]) => name !== 'NaN value' && name !== 'undefined value'))), { seed: SEED, numRuns: 4 });
    for (const [d, [what, breakIt]] of samples) {
      const project = tempProject({ 'good.ts': `import { defineEnvironment } from 'helmflux';\nexport default defineEnvironment({ namespace: { name: 'good-one' } });\n` });
      assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
      const broken = structuredClone(d);
      breakIt(broken);
      fs.writeFileSync(path.join(project.environments, 'env.ts'), `export default ${JSON.stringify(broken)};\n`);
      const before = snapshotTree(project.dist);
      const result = runCli(['synth'], { cwd: project.root });
      assert.equal(result.status, 2, `${what}: ${result.stderr}`);
      assert.match(result.stderr, /^environments\/env\.ts: /m);
      assert.deepEqual(snapshotTree(project.dist), before, what);
    }
  });
});
