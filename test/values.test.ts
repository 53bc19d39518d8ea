/**
 * Typed chart values: schema inference from values.yaml, the seed chart's
 * tightened schema, layering, `explain`, the no-plaintext-secrets rule, and
 * `chart import` of a folder and of a packaged .tgz.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { inferSchema } from '../src/charts/infer';
import { isSecretKey, keyWords } from '../src/definition/secret-keys';
import type { HelmValues, ReleaseDefinition } from '../src/definition/types';
import { checkChartValues, checkNoPlaintextSecrets } from '../src/values/check';
import { closest } from '../src/suggest';
import { finalValues, layerOf, mergeValues, valuesLayers } from '../src/values/layers';
import { REPO, runCli, seedProject, snapshotTree } from './helpers';

const SEED_CHART = path.join(REPO, 'test', 'fixtures', 'reference', 'helmflux', 'helmbasics');
const HELMBASICS_SCHEMA = JSON.parse(fs.readFileSync(path.join(REPO, 'common', 'charts', 'helmbasics', 'values.schema.json'), 'utf8'));

function problemsOf(values: HelmValues): { field: string; message: string; fix: string }[] {
  const found: { field: string; message: string; fix: string }[] = [];
  checkChartValues(values, { name: 'helmbasics', schema: HELMBASICS_SCHEMA }, 'releases[0].values', (field, message, fix) => found.push({ field, message, fix }));
  return found;
}

describe('schema inference from values.yaml', () => {
  const values = YAML.parse(fs.readFileSync(path.join(SEED_CHART, 'values.yaml'), 'utf8'));
  const schema = inferSchema(values, 'HelmbasicsValues') as any;

  it('types keys from their defaults and closes objects with fixed keys', () => {
    assert.equal(schema.title, 'HelmbasicsValues');
    assert.equal(schema.additionalProperties, false);
    assert.deepEqual(schema.properties.replicaCount, { type: 'number', default: 1 });
    assert.deepEqual(schema.properties.image.properties.pullPolicy, { type: 'string', default: 'IfNotPresent' });
    assert.deepEqual(schema.properties.ingress.properties.enabled, { type: 'boolean', default: true });
    assert.equal(schema.properties.service.additionalProperties, false);
    assert.deepEqual(Object.keys(schema.properties.service.properties), ['type', 'port', 'targetport', 'nodeport', 'servicename']);
  });

  it('leaves free-form maps open: annotations, resources, nodeSelector, affinity, an empty mapping, and lists', () => {
    assert.deepEqual(schema.properties.ingress.properties.annotations, { type: 'object' });
    assert.deepEqual(schema.properties.resources, { type: 'object' });
    assert.deepEqual(schema.properties.nodeSelector, { type: 'object' });
    assert.deepEqual(schema.properties.affinity, { type: 'object' });
    assert.deepEqual(schema.properties.tolerations, { type: 'array' });
  });

  it('takes any value where the default is null or missing, and types scalar lists', () => {
    const s = inferSchema({ cpu: null, limits: null, hosts: ['a', 'b'], mixed: [1, 'x'], podLabels: { a: 'b' } }, 'X') as any;
    assert.deepEqual(s.properties.cpu, {});
    assert.deepEqual(s.properties.limits, {});
    assert.deepEqual(s.properties.hosts, { type: 'array', items: { type: 'string' } });
    assert.deepEqual(s.properties.mixed, { type: 'array' });
    assert.deepEqual(s.properties.podLabels, { type: 'object' });
  });
});

describe("helmbasics' schema", () => {
  it('accepts the seed values, and null anywhere (it removes a chart default)', () => {
    for (const env of ['dev', 'stg', 'pro']) {
      const text = fs.readFileSync(path.join(REPO, 'dist', 'releases', `${env}.yaml`), 'utf8');
      assert.deepEqual(problemsOf(YAML.parse(text).spec.values), [], env);
    }
    assert.deepEqual(problemsOf({ replicaCount: null, image: { pullPolicy: null }, resources: null }), []);
  });

  it('rejects each kind of mistake at its path', () => {
    const cases: [HelmValues, string, RegExp][] = [
      [{ replicaCont: 3 }, 'releases[0].values.replicaCont', /^is not a value of chart helmbasics$/],
      [{ replicaCount: 'three' }, 'releases[0].values.replicaCount', /^is "three", not an integer$/],
      [{ replicaCount: -1 }, 'releases[0].values.replicaCount', /^is -1: must be >= 0$/],
      [{ replicaCount: 1.5 }, 'releases[0].values.replicaCount', /not an integer/],
      [{ image: { pullPolicy: 'Sometimes' } }, 'releases[0].values.image.pullPolicy', /not one of the values/],
      [{ service: { type: 'Internal' } }, 'releases[0].values.service.type', /not one of the values/],
      [{ ingress: { host: 'https://web.example.com' } }, 'releases[0].values.ingress.host', /not a hostname/],
      [{ ingress: { hots: 'web.example.com' } }, 'releases[0].values.ingress.hots', /not a value of chart helmbasics/],
      [{ service: { port: 70000 } }, 'releases[0].values.service.port', /must be <= 65535/],
    ];
    for (const [values, field, message] of cases) {
      const found = problemsOf(values);
      assert.equal(found.length, 1, JSON.stringify(found));
      assert.equal(found[0].field, field);
      assert.match(found[0].message, message);
    }
    assert.equal(problemsOf({ replicaCont: 3 })[0].fix, 'Did you mean replicaCount?');
    assert.match(problemsOf({ ingress: { hots: 'x.example.com' } })[0].fix, /^Did you mean host\?$/);
    assert.match(problemsOf({ zzz: 1 })[0].fix, /^The chart takes appname, environment, replicaCount, .* here\. If the chart does take it, add it to common\/charts\/helmbasics\/values\.schema\.json and run helmflux chart types\.$/);
    assert.equal(closest('replicas', ['replicaCount', 'image']), undefined);
  });
});

describe('layering', () => {
  it('merges objects, replaces lists and scalars, and keeps null', () => {
    const shared: HelmValues = { image: { repository: 'web', tag: '1' }, hosts: ['a', 'b'], resources: { limits: { cpu: '1' } }, replicaCount: 2 };
    const own: HelmValues = { image: { tag: '2' }, hosts: ['c'], resources: null, replicaCount: 3 };
    assert.deepEqual(mergeValues(shared, own), { image: { repository: 'web', tag: '2' }, hosts: ['c'], resources: null, replicaCount: 3 });
    // A scalar over a mapping and a mapping over a scalar replace.
    assert.deepEqual(mergeValues({ image: { tag: '1' } }, { image: 'web:2' }), { image: 'web:2' });
    assert.deepEqual(mergeValues({ image: 'web:1' }, { image: { tag: '2' } }), { image: { tag: '2' } });
  });

  it("a release's final values and which layer set each", () => {
    const release: ReleaseDefinition = {
      name: 'web',
      chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' },
      values: { replicaCount: 3, image: 'web:2' },
      imported: { name: 'web', schema: true, sharedValues: { replicaCount: 1, image: { tag: '1' }, service: { type: 'ClusterIP' } } },
    };
    assert.deepEqual(finalValues(release), { replicaCount: 3, image: 'web:2', service: { type: 'ClusterIP' } });
    const layers = valuesLayers(release);
    assert.deepEqual(layers.map((l) => l.label), ['chart web, shared values', 'release web']);
    assert.equal(layerOf(layers, ['replicaCount']), 1);
    assert.equal(layerOf(layers, ['service', 'type']), 0);
    assert.equal(layerOf(layers, ['image', 'tag']), 1, 'image: "web:2" decides image.tag');
    assert.equal(layerOf(layers, ['nothing']), -1);
  });

  it('synth writes the layered values, null included, and explain names each layer with file and line', () => {
    const project = seedProject();
    const index = path.join(project.root, 'common', 'charts', 'helmbasics', 'index.ts');
    fs.writeFileSync(index, fs.readFileSync(index, 'utf8').replace('  values: {},', "  values: {\n    replicaCount: 5,\n    service: { type: 'NodePort' },\n    resources: null,\n  },"));
    const synth = runCli(['synth'], { cwd: project.root });
    assert.equal(synth.status, 0, synth.stderr);
    const values = YAML.parse(fs.readFileSync(path.join(project.dist, 'releases', 'pro.yaml'), 'utf8')).spec.values;
    assert.deepEqual(values, { environment: 'production', ingress: { host: 'mywebserver.pro.kubesandclouds.com' }, replicaCount: 3, resources: null, service: { type: 'NodePort' } });
    assert.match(fs.readFileSync(path.join(project.dist, 'releases', 'pro.yaml'), 'utf8'), /^ {4}resources: null$/m);
    const explained = runCli(['explain', 'pro', 'helmbasic-production', '--json'], { cwd: project.root });
    assert.equal(explained.status, 0, explained.stderr);
    const rows = JSON.parse(explained.stdout) as { path: string; value: unknown; layer: string; file: string; line: number }[];
    const row = (p: string) => rows.find((r) => r.path === p);
    assert.deepEqual(row('replicaCount'), { path: 'replicaCount', value: 3, layer: 'release helmbasic-production', file: 'environments/pro.ts', line: 14 });
    assert.deepEqual(row('service.type'), { path: 'service.type', value: 'NodePort', layer: 'chart helmbasics, shared values', file: 'common/charts/helmbasics/index.ts', line: 17 });
    assert.deepEqual(row('resources'), { path: 'resources', value: null, layer: 'chart helmbasics, shared values', file: 'common/charts/helmbasics/index.ts', line: 18 });
    // Into a list by index: the layer that set the list decides.
    const pro = path.join(project.environments, 'pro.ts');
    fs.writeFileSync(pro, fs.readFileSync(pro, 'utf8').replace('replicaCount: 3,', "replicaCount: 3,\n        tolerations: [{ key: 'dedicated', operator: 'Exists' }],"));
    const listed = runCli(['explain', 'pro', 'helmbasic-production', 'tolerations[0].key'], { cwd: project.root });
    assert.equal(listed.status, 0, listed.stderr);
    assert.match(listed.stdout, /^tolerations\[0\]\.key: "dedicated" +environments\/pro\.ts:15 \(release helmbasic-production\)$/m);
    const unset = runCli(['explain', 'pro', 'helmbasic-production', 'image.pullPolicy'], { cwd: project.root });
    assert.equal(unset.stdout, `image.pullPolicy: (not set: the chart's default, "IfNotPresent", common/charts/helmbasics/values.schema.json)\n`);
  });
});

describe('helmflux explain on the seed', () => {
  it('prints 3 and environments/pro.ts for pro helmbasic-production replicaCount', () => {
    const result = runCli(['explain', 'pro', 'helmbasic-production', 'replicaCount']);
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'replicaCount: 3  environments/pro.ts:14 (release helmbasic-production)\n');
  });

  it('names the environment and release it does not know, exit 2', () => {
    const env = runCli(['explain', 'prod', 'x']);
    assert.equal(env.status, 2);
    assert.match(env.stderr, /^environments\/prod\.ts: \(file\): does not exist\. Name one of the environments: dev, ingress, pro, stg\./m);
    const release = runCli(['explain', 'pro', 'web']);
    assert.equal(release.status, 2);
    assert.match(release.stderr, /^environments\/pro\.ts: releases: has no release "web"\. Name one of its releases: helmbasic-production\./m);
  });
});

describe('no plaintext secrets', () => {
  const SECRET = ['password', 'adminPassword', 'db_password', 'DB-PASSWD', 'clientSecret', 'secret', 'authToken', 'token', 'credentials', 'awsCredentials', 'apiKey', 'api_key', 'API-KEY', 'privateKey', 'private.key', 'accessKey', 'secretKey', 'tls.key', 'sshKey', 'apikey', 'tokens', 'passphrase', 'smtpPasswords', 'secrets'];
  const NOT_SECRET = ['existingSecret', 'existing-secret', 'secretName', 'secretRef', 'secretKeyRef', 'tokenTTL', 'passwordFile', 'keyName', 'key', 'monkey', 'secretsEnabled', 'imagePullSecrets', 'username', 'host', 'passwordSecretName'];

  it('splits keys into words', () => {
    assert.deepEqual(keyWords('clientSecret'), ['client', 'secret']);
    assert.deepEqual(keyWords('HTTPToken'), ['http', 'token']);
    assert.deepEqual(keyWords('db_password'), ['db', 'password']);
    assert.deepEqual(keyWords('tls.key'), ['tls', 'key']);
    assert.deepEqual(keyWords('a/b-c d'), ['a', 'b', 'c', 'd']);
  });

  it('matches every secret-looking key, and no reference name', () => {
    for (const key of SECRET) assert.equal(isSecretKey(key), true, key);
    for (const key of NOT_SECRET) assert.equal(isSecretKey(key), false, key);
  });

  it('refuses a literal under each secret-looking key, a secret name/value pair, and nothing declared or empty', () => {
    const refused = (values: HelmValues, notSecret: string[] = []) => {
      const fields: string[] = [];
      checkNoPlaintextSecrets(values, notSecret, 'releases[0].values', (field) => fields.push(field));
      return fields;
    };
    for (const key of SECRET) assert.deepEqual(refused({ app: { [key]: 'x' } }), [`releases[0].values.app${/^[A-Za-z_$][\w$]*$/.test(key) ? `.${key}` : `[${JSON.stringify(key)}]`}`], key);
    for (const key of NOT_SECRET) assert.deepEqual(refused({ app: { [key]: 'x' } }), [], key);
    assert.deepEqual(refused({ auth: { password: '' } }), [], 'an empty default is no credential');
    assert.deepEqual(refused({ auth: { password: null } }), []);
    assert.deepEqual(refused({ env: [{ name: 'DB_PASSWORD', value: 'x' }, { name: 'DB_HOST', value: 'db' }] }), ['releases[0].values.env[0].value']);
    assert.deepEqual(refused({ api: { key: 'x' } }), ['releases[0].values.api.key'], 'split keys read together');
    assert.deepEqual(refused({ auth: { password: 'x', token: 'y' } }, ['auth.password']), ['releases[0].values.auth.token']);
  });

  it('keeps a literal credential out of dist/: validate and synth exit 2, nothing written', () => {
    const project = seedProject();
    assert.equal(runCli(['synth'], { cwd: project.root }).status, 0);
    const before = snapshotTree(project.root);
    const pro = path.join(project.environments, 'pro.ts');
    fs.writeFileSync(pro, fs.readFileSync(pro, 'utf8').replace("replicaCount: 3,", "replicaCount: 3,\n        ingress: { host: 'x.example.com', annotations: { 'example.com/api-key': 'AKIA123' } },").replace("        ingress: { host: 'mywebserver.pro.kubesandclouds.com' },\n", ''));
    const snapshot = snapshotTree(project.dist);
    for (const command of ['validate', 'synth']) {
      const result = runCli([command], { cwd: project.root });
      assert.equal(result.status, 2, result.stdout);
      assert.match(result.stderr, /^environments\/pro\.ts: releases\[0\]\.values\.ingress\.annotations\["example\.com\/api-key"\]: is a literal credential/m);
    }
    assert.deepEqual(snapshotTree(project.dist), snapshot);
    assert.ok(before.size > 0);
  });
});

describe('the done-when of typed chart values', () => {
  it('replicaCont in environments/pro.ts fails the type check and validate; "three" fails validate', () => {
    const project = seedProject();
    const pro = path.join(project.environments, 'pro.ts');
    const text = fs.readFileSync(pro, 'utf8');
    fs.writeFileSync(pro, text.replace('replicaCount: 3', 'replicaCont: 3'));
    const tsconfig = {
      compilerOptions: { strict: true, noEmit: true, resolveJsonModule: true, esModuleInterop: true, skipLibCheck: true, types: [], target: 'ES2022', module: 'commonjs', moduleResolution: 'node10', baseUrl: '.', paths: { helmflux: [path.join(REPO, 'src', 'api.ts')] } },
      include: ['environments/**/*.ts', 'common/**/*.ts', 'helmflux.settings.ts'],
    };
    fs.writeFileSync(path.join(project.root, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', project.root], { encoding: 'utf8' });
    assert.equal(tsc.status, 2, tsc.stdout);
    assert.match(tsc.stdout, /environments\/pro\.ts\(14,9\): error TS2561: .*'replicaCont' does not exist .*Did you mean to write 'replicaCount'\?/);
    const validate = runCli(['validate'], { cwd: project.root });
    assert.equal(validate.status, 2);
    assert.equal(validate.stderr.split('\n')[0], 'environments/pro.ts: releases[0].values.replicaCont: is not a value of chart helmbasics. Did you mean replicaCount?');
    fs.writeFileSync(pro, text.replace('replicaCount: 3', "replicaCount: 'three'"));
    const three = runCli(['validate'], { cwd: project.root });
    assert.equal(three.status, 2);
    assert.match(three.stderr, /^environments\/pro\.ts: releases\[0\]\.values\.replicaCount: is "three", not an integer\. /m);
  });
});

describe('helmflux chart import', () => {
  it('imports a chart folder: an inferred schema, generated types and a chart module; keeps a committed schema', () => {
    const project = seedProject();
    fs.rmSync(path.join(project.root, 'common', 'charts'), { recursive: true });
    const first = runCli(['chart', 'import', SEED_CHART, '--name', 'web', '--git', 'git@github.com:mifonpe/helmflux'], { cwd: project.root });
    assert.equal(first.status, 0, first.stderr);
    assert.match(first.stdout, /^imported chart web: schema inferred from values\.yaml$/m);
    const folder = path.join(project.root, 'common', 'charts', 'web');
    const schema = JSON.parse(fs.readFileSync(path.join(folder, 'values.schema.json'), 'utf8'));
    assert.equal(schema.title, 'WebValues');
    const types = fs.readFileSync(path.join(folder, 'values.ts'), 'utf8');
    assert.match(types, /^export interface WebValues \{$/m);
    assert.match(types, /^ {2}replicaCount\?: number;$/m);
    assert.match(fs.readFileSync(path.join(folder, 'index.ts'), 'utf8'), /export const web = defineChart<WebValues>\(\{\n {2}name: 'web',\n {2}schema,\n/);
    // Tightened by the user, then imported again: the schema stays, the types follow it.
    schema.properties.replicaCount = { type: 'integer', minimum: 0 };
    fs.writeFileSync(path.join(folder, 'values.schema.json'), JSON.stringify(schema));
    const again = runCli(['chart', 'import', SEED_CHART, '--name', 'web', '--git', 'git@github.com:mifonpe/helmflux'], { cwd: project.root });
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /schema kept yours/);
    assert.equal(JSON.parse(fs.readFileSync(path.join(folder, 'values.schema.json'), 'utf8')).properties.replicaCount.type, 'integer');
    assert.match(fs.readFileSync(path.join(folder, 'values.ts'), 'utf8'), /^ {2}replicaCount\?: number;$/m);
  });

  it("imports a packaged .tgz with the chart's own values.schema.json, named by its Chart.yaml", () => {
    const project = seedProject();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'helmflux-chart-'));
    fs.mkdirSync(path.join(work, 'redis'));
    fs.writeFileSync(path.join(work, 'redis', 'Chart.yaml'), 'apiVersion: v2\nname: redis\nversion: 1.0.0\n');
    fs.writeFileSync(path.join(work, 'redis', 'values.yaml'), 'port: 6379\n');
    fs.writeFileSync(path.join(work, 'redis', 'values.schema.json'), JSON.stringify({ type: 'object', properties: { port: { type: 'integer' }, mode: { enum: ['standalone', 'replication'] } }, additionalProperties: false }));
    assert.equal(spawnSync('tar', ['-czf', 'redis-1.0.0.tgz', 'redis'], { cwd: work }).status, 0);
    const result = runCli(['chart', 'import', path.join(work, 'redis-1.0.0.tgz')], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^imported chart redis: schema the chart's values\.schema\.json$/m);
    const types = fs.readFileSync(path.join(project.root, 'common', 'charts', 'redis', 'values.ts'), 'utf8');
    assert.match(types, /^export interface RedisValues \{\n {2}port\?: number;\n {2}mode\?: 'standalone' \| 'replication';\n\}$/m);
  });

  it('says what is wrong with a source that is no chart, exit 2', () => {
    const project = seedProject();
    const result = runCli(['chart', 'import', 'environments'], { cwd: project.root });
    assert.equal(result.status, 2);
    assert.match(result.stderr, /^environments: \(chart\): has no Chart\.yaml, so it is not a Helm chart\. Give the folder of a Helm chart/m);
  });

  it('the committed types of helmbasics are what chart types generates from its schema', () => {
    const project = seedProject();
    const file = path.join(project.root, 'common', 'charts', 'helmbasics', 'values.ts');
    fs.writeFileSync(file, '// stale\n');
    const result = runCli(['chart', 'types'], { cwd: project.root });
    assert.equal(result.status, 0, result.stderr);
    assert.equal(result.stdout, 'generated common/charts/helmbasics/values.ts\n');
    assert.equal(fs.readFileSync(file, 'utf8'), fs.readFileSync(path.join(REPO, 'common', 'charts', 'helmbasics', 'values.ts'), 'utf8'));
  });
});
