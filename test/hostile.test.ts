/**
 * Hostile input, third round, by class: no input makes a command hang, read
 * without bound, write half an import, or end in exit 3; each case ends in a
 * clear exit 2 (1 for check and diff) with the project as it was.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { BIN, environmentSource, seedProject, snapshotTree, tempProject } from './helpers';
import { variableName, valuesTypeName } from '../src/commands/chart-import';
import { isSecretKey } from '../src/definition/secret-keys';
import { NO_SETTINGS } from '../src/definition/settings';
import { review } from '../src/review/diff';
import { colors, escapeCell, formatJson, formatMarkdown, formatText } from '../src/review/format';
import { formatPatch } from '../src/review/unified';
import { fluxV1Effects } from '../src/targets/flux-v1/effects';

/** Runs the CLI with a generous time limit: a hang fails the test (status null) instead of blocking the suite. */
function run(args: readonly string[], cwd: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 60_000, env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** A chart folder of these files (name -> text) in a fresh temporary folder. */
function chartFolder(files: Record<string, string>): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'helmflux-hostile-')), 'web');
  fs.mkdirSync(dir);
  for (const [name, text] of Object.entries({ 'Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n', ...files })) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const automated = (filter: string) =>
  environmentSource({
    namespace: { name: 'web' },
    releases: [{ name: 'web', chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' }, flux: { automated: true, containers: { 'chart-image': { filter } } }, values: { image: { repository: 'org/web', tag: '1.0.0' } } }],
  });

describe('no input makes a command hang', () => {
  it('a semver filter of many versions separated by runs of spaces is refused (it once backtracked for minutes)', () => {
    const filter = `semver:${Array.from({ length: 15 }, (_, i) => `1.${i}.0`).join(' '.repeat(20))}!`;
    const project = tempProject({ 'web.ts': automated(filter) });
    const result = run(['validate'], project.root);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /flux\.containers\["chart-image"\]\.filter.*is not a valid semver constraint/);
  });

  it('a filter over 512 characters is refused', () => {
    const project = tempProject({ 'web.ts': automated(`regex:${'a'.repeat(600)}`) });
    const result = run(['validate'], project.root);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /is 606 characters long, over helmflux's limit of 512/);
  });

  it('chart import never reads a FIFO (or other non-regular file) as values.yaml', { skip: process.platform === 'win32' ? 'no FIFOs here' : false }, () => {
    const chart = chartFolder({});
    assert.equal(spawnSync('mkfifo', [path.join(chart, 'values.yaml')]).status, 0);
    const project = seedProject();
    const before = snapshotTree(project.root);
    const result = run(['chart', 'import', chart, '--name', 'web'], project.root);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /\/values\.yaml: \(file\): is not a regular file/);
    assert.deepEqual(snapshotTree(project.root), before);
  });
});

describe('bounded work on hostile YAML and archives, and no half-written import', () => {
  const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n') + '\n';

  for (const file of ['values.yaml', 'Chart.yaml']) {
    it(`an alias bomb in a chart's ${file} is exit 2`, () => {
      const chart = chartFolder({ [file]: file === 'Chart.yaml' ? `apiVersion: v2\nname: web\nversion: 1.0.0\n${bomb}` : bomb });
      const project = seedProject();
      const before = snapshotTree(project.root);
      const result = run(['chart', 'import', chart, '--name', 'web'], project.root);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`${file.replace('.', '\\.')}: \\(file\\): cannot be read: .*alias`, 'i'));
      assert.deepEqual(snapshotTree(project.root), before);
    });
  }

  it('an alias bomb in a generated file fails check and diff with exit 1, naming it', () => {
    const project = seedProject();
    assert.equal(run(['synth'], project.root).status, 0);
    const file = path.join(project.dist, 'releases', 'pro.yaml');
    fs.writeFileSync(file, `${fs.readFileSync(file, 'utf8')}---\n${bomb}`);
    const check = run(['check'], project.root);
    assert.equal(check.status, 1, check.stderr);
    assert.match(check.stdout, /^cannot read dist\/releases\/pro\.yaml:\d+: cannot be read: .*alias/im);
    assert.equal(run(['diff'], project.root).status, 1);
  });

  it('values.yaml nested hundreds of levels deep is exit 2 with nothing written', () => {
    const deep = Array.from({ length: 300 }, (_, i) => `${'  '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    const chart = chartFolder({ 'values.yaml': deep });
    const project = seedProject();
    const before = snapshotTree(project.root);
    const result = run(['chart', 'import', chart, '--name', 'web'], project.root);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /values\.yaml: \(file\): nests more than 64 levels deep/);
    assert.deepEqual(snapshotTree(project.root), before);
  });

  it('values.yaml that is a list or a scalar is refused', () => {
    for (const text of ['- a\n- b\n', 'just text\n']) {
      const result = run(['chart', 'import', chartFolder({ 'values.yaml': text }), '--name', 'web'], seedProject().root);
      assert.equal(result.status, 2);
      assert.match(result.stderr, /values\.yaml: \(file\): is a (list|scalar), not a mapping of values/);
    }
  });

  it('a .tgz that inflates past the limit is refused without inflating it all', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'helmflux-bomb-'));
    fs.mkdirSync(path.join(work, 'web'));
    fs.writeFileSync(path.join(work, 'web', 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 1.0.0\n');
    // 300 MiB of zeros in the archive, compressed to well under a megabyte.
    const made = spawnSync('bash', ['-c', 'head -c 314572800 /dev/zero > web/zeros && tar -cf - web | gzip -1 > bomb.tgz && rm web/zeros'], { cwd: work });
    assert.equal(made.status, 0, String(made.stderr));
    const result = run(['chart', 'import', path.join(work, 'bomb.tgz')], seedProject().root);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /inflates to more than 256 MiB/);
  });

  it('a flat archive (no top folder) is refused naming the missing folder', () => {
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'helmflux-flat-'));
    fs.writeFileSync(path.join(work, 'Chart.yaml'), 'apiVersion: v2\nname: web\nversion: 1.0.0\n');
    assert.equal(spawnSync('tar', ['-czf', 'flat.tgz', 'Chart.yaml'], { cwd: work }).status, 0);
    const result = run(['chart', 'import', path.join(work, 'flat.tgz')], seedProject().root);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /holds Chart\.yaml at the archive's root, not in a top folder \(<chart>\/Chart\.yaml\)/);
  });
});

describe('charts are data, imported safely', () => {
  for (const [what, schema, message] of [
    ['a $ref to a local path', { type: 'object', properties: { a: { $ref: '/etc/passwd' } } }, /has "\$ref": "\/etc\/passwd", which leaves the file/],
    ['a $ref to a URL', { type: 'object', properties: { a: { $ref: 'https://example.com/s.json' } } }, /which leaves the file/],
    ['a $ref loop', { type: 'object', definitions: { a: { $ref: '#/definitions/b' }, b: { $ref: '#/definitions/a' } }, properties: { x: { $ref: '#/definitions/a' } } }, /a chain of references that loops/],
    ['a $ref to nothing', { type: 'object', properties: { x: { $ref: '#/definitions/none' } } }, /points to nothing in the file/],
  ] as const) {
    it(`refuses ${what} in values.schema.json, exit 2, nothing written`, () => {
      const project = seedProject();
      const before = snapshotTree(project.root);
      const result = run(['chart', 'import', chartFolder({ 'values.schema.json': JSON.stringify(schema) }), '--name', 'web'], project.root);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, message);
      assert.deepEqual(snapshotTree(project.root), before);
    });
  }

  it('a values.yaml that links outside the chart folder is never read', () => {
    const secret = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'helmflux-secret-')), 'secret.yaml');
    fs.writeFileSync(secret, 'password: hunter2\n');
    const chart = chartFolder({});
    fs.symlinkSync(secret, path.join(chart, 'values.yaml'));
    const project = seedProject();
    const result = run(['chart', 'import', chart, '--name', 'web'], project.root);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /\/values\.yaml: \(file\): is a symbolic link to .*, outside the chart folder/);
    assert.equal(fs.existsSync(path.join(project.root, 'common', 'charts', 'web')), false);
  });

  it('chart names that are reserved words, start with a digit or clash with the imports give valid identifiers', () => {
    const identifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
    for (const name of ['class', 'new', 'default', 'schema', 'settings', 'definechart', '3scale', 'my-chart']) {
      assert.match(variableName(name), identifier, name);
      assert.match(valuesTypeName(name), identifier, name);
      assert.notEqual(variableName(name), valuesTypeName(name));
    }
    assert.equal(variableName('class'), 'classChart');
    assert.equal(variableName('3scale'), 'chart3scale');
    assert.equal(valuesTypeName('3scale'), 'Chart3scaleValues');
    // And the module of a chart named `new` loads: an environment using it synthesizes.
    const project = seedProject();
    const imported = run(['chart', 'import', chartFolder({ 'values.yaml': 'replicas: 1\n' }), '--name', 'new', '--path', 'charts/new', '--git', 'git@github.com:org/charts'], project.root);
    assert.equal(imported.status, 0, imported.stderr);
    assert.match(fs.readFileSync(path.join(project.root, 'common', 'charts', 'new', 'index.ts'), 'utf8'), /^export const newChart = defineChart<NewValues>/m);
    fs.writeFileSync(
      path.join(project.environments, 'web.ts'),
      "import { defineEnvironment } from 'helmflux';\nimport { newChart } from '../common/charts/new';\n\nexport default defineEnvironment({ namespace: { name: 'web' }, releases: [newChart.release({ name: 'web', ref: 'main', values: { replicas: 2 } })] });\n",
    );
    const synth = run(['synth'], project.root);
    assert.equal(synth.status, 0, synth.stderr);
  });

  it('chart types is confined to common/charts/: a path is refused', () => {
    const project = seedProject();
    const before = snapshotTree(project.root);
    const result = run(['chart', 'types', '../../../x'], project.root);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /"\.\.\/\.\.\/\.\.\/x": is not the name of an imported chart/);
    assert.deepEqual(snapshotTree(project.root), before);
  });
});

describe('exit 3 is for helmflux\'s own bugs only', () => {
  it('common/charts/<name> being a file is exit 2', () => {
    const project = seedProject();
    fs.writeFileSync(path.join(project.root, 'common', 'charts', 'web'), 'not a folder\n');
    const result = run(['chart', 'import', chartFolder({ 'values.yaml': 'a: 1\n' }), '--name', 'web'], project.root);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^common\/charts\/web: \(file\): is a file, where the chart's folder goes/m);
  });

  it('a settings file that is a symbolic link loop is exit 2', () => {
    const project = seedProject();
    const settings = path.join(project.root, 'helmflux.settings.ts');
    fs.rmSync(settings);
    fs.symlinkSync('helmflux.settings.ts', settings);
    const result = run(['validate'], project.root);
    assert.equal(result.status, 2, result.stderr);
    assert.match(result.stderr, /^helmflux\.settings\.ts: \(file\): cannot be read \(ELOOP: a symbolic link that loops\)/m);
  });
});

describe('Flux v2 object names are unique by construction', () => {
  /** Every object of a v2 output folder by kind/namespace/name, as kustomize registers ids: each must be there once. */
  function ids(folder: string): string[] {
    const out: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const full = path.join(dir, e.name);
        if (e.isDirectory()) walk(full);
        else if (e.name.endsWith('.yaml') && e.name !== 'kustomization.yaml') {
          for (const doc of YAML.parseAllDocuments(fs.readFileSync(full, 'utf8'))) {
            const o = doc.toJS() as { kind: string; metadata: { namespace?: string; name: string } } | null;
            if (o) out.push(`${o.kind}|${o.metadata.namespace ?? ''}|${o.metadata.name}`);
          }
        }
      }
    };
    walk(folder);
    return out;
  }

  it('team-a + web and team + a-web get distinct ImagePolicies (across environments and within one), each marker pointing at its own', () => {
    const release = (name: string, extra: Record<string, unknown> = {}) => ({
      name, chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' }, flux: { automated: true }, values: { image: { repository: `org/${name}`, tag: '1.0' }, ...extra },
    });
    const project = tempProject({
      'team-a.ts': environmentSource({ namespace: { name: 'team-a' }, releases: [release('web')] }),
      'team.ts': environmentSource({ namespace: { name: 'team' }, releases: [release('a-web'), release('a', { 'web-chart': { image: { repository: 'org/other', tag: '2.0' } } })] }),
    });
    fs.writeFileSync(path.join(project.root, 'helmflux.settings.ts'), "import { defineSettings } from 'helmflux';\n\nexport default defineSettings({ chartsGitUrl: 'git@github.com:org/charts', flux: 'v2', gitops: { url: 'ssh://git@github.com/org/fleet', branch: 'main', path: 'dist' } });\n");
    const synth = run(['synth'], project.root);
    assert.equal(synth.status, 0, synth.stderr);
    const all = ids(project.dist);
    assert.deepEqual(all.filter((id, i) => all.indexOf(id) !== i), [], 'no id twice');
    const policies = all.filter((id) => id.startsWith('ImagePolicy|')).sort();
    assert.equal(policies.length, 4, policies.join('\n'));
    // Each marker names a policy that exists.
    const names = new Set(policies.map((id) => id.split('|')[2]));
    for (const env of ['team-a', 'team']) {
      for (const m of fs.readFileSync(path.join(project.dist, 'releases', `${env}.yaml`), 'utf8').matchAll(/\{"\$imagepolicy": "[^:]+:([^:"]+)/g)) assert.ok(names.has(m[1]), m[1]);
    }
  });

  it('two chart sources that read alike (one owner/repo on two hosts) get two GitRepositories, each release pointing at its own', () => {
    const release = (name: string, git: string) => ({ name, chart: { git, path: 'web', ref: 'main' } });
    const project = tempProject({
      'hub.ts': environmentSource({ namespace: { name: 'hub' }, releases: [release('web', 'git@github.com:org/charts')] }),
      'lab.ts': environmentSource({ namespace: { name: 'lab' }, releases: [release('web', 'git@gitlab.com:org/charts')] }),
    });
    fs.writeFileSync(path.join(project.root, 'helmflux.settings.ts'), "import { defineSettings } from 'helmflux';\n\nexport default defineSettings({ chartsGitUrl: 'git@github.com:org/charts', flux: 'v2', gitops: { url: 'ssh://git@github.com/org/fleet', branch: 'main', path: 'dist' } });\n");
    const synth = run(['synth'], project.root);
    assert.equal(synth.status, 0, synth.stderr);
    const all = ids(project.dist);
    assert.deepEqual(all.filter((id, i) => all.indexOf(id) !== i), [], 'no id twice');
    const sources = YAML.parseAllDocuments(fs.readFileSync(path.join(project.dist, 'flux', 'sources.yaml'), 'utf8')).map((d) => d.toJS() as { metadata: { name: string }; spec: { url: string } });
    assert.equal(sources.length, 2);
    for (const env of ['hub', 'lab']) {
      const release = YAML.parse(fs.readFileSync(path.join(project.dist, 'releases', `${env}.yaml`), 'utf8')) as { spec: { chart: { spec: { sourceRef: { name: string } } } } };
      const source = sources.find((s) => s.metadata.name === release.spec.chart.spec.sourceRef.name);
      assert.equal(source?.spec.url, `ssh://git@${env === 'hub' ? 'github' : 'gitlab'}.com/org/charts`);
    }
  });

  it('synth --env under v2 writes a kustomization.yaml listing only files that are there', () => {
    const project = seedProject();
    const out = path.join(project.root, 'fleet');
    assert.equal(run(['synth', '--flux', 'v2', '--out', out], project.root).status, 0);
    fs.writeFileSync(path.join(project.environments, 'qa.ts'), fs.readFileSync(path.join(project.environments, 'pro.ts'), 'utf8').replace(/production/g, 'qa'));
    assert.equal(run(['synth', '--flux', 'v2', '--out', out, '--env', 'dev'], project.root).status, 0);
    const resources = (YAML.parse(fs.readFileSync(path.join(out, 'kustomization.yaml'), 'utf8')) as { resources: string[] }).resources;
    for (const file of resources) assert.ok(fs.existsSync(path.join(out, file)), `${file} is listed and there`);
    assert.ok(!resources.includes('releases/qa.yaml'));
    assert.ok(resources.includes('releases/pro.yaml'));
    // A full synth then lists qa too.
    assert.equal(run(['synth', '--flux', 'v2', '--out', out], project.root).status, 0);
    assert.ok((YAML.parse(fs.readFileSync(path.join(out, 'kustomization.yaml'), 'utf8')) as { resources: string[] }).resources.includes('releases/qa.yaml'));
  });
});

describe('no secret in review output, by a rule that knows how people name them', () => {
  const compare = (before: string, after: string) => {
    const files = { before: new Map([['releases/dev.yaml', before]]), after: new Map([['releases/dev.yaml', after]]) };
    return Object.assign(review(files.before, files.after, fluxV1Effects(NO_SETTINGS)), { files });
  };
  const all = (r: ReturnType<typeof compare>) => [formatText(r, 'dist', 'x', false), formatMarkdown(r, 'dist', 'x'), formatJson(r, 'dist', 'x'), formatPatch(r.files.before, r.files.after, 'dist', colors(false))].join('\n');

  it('masks a Secret in last-applied-configuration, a Secret inside a List, an authorization value and a URL password', () => {
    const version = (pw: string) =>
      [
        `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: develop\n  annotations:\n    kubectl.kubernetes.io/last-applied-configuration: '{"kind":"Secret","data":{"p":"${pw}-LAST"}}'\ndata:\n  auth: "Bearer ${pw}-BEARER-abcdefgh"\n  url: "https://admin:${pw}-URL@db.example.com/x"\n`,
        `---\napiVersion: v1\nkind: List\nmetadata:\n  name: l\n  namespace: develop\nitems:\n  - apiVersion: v1\n    kind: Secret\n    metadata:\n      name: s\n    stringData:\n      p: ${pw}-LIST\n`,
      ].join('');
    const text = all(compare(version('OLD'), version('NEW')));
    for (const leak of ['OLD-', 'NEW-']) assert.ok(!text.includes(leak), `${leak} in:\n${text}`);
    // The patch masks the URL whole, on its own line of the file as written.
    const patch = formatPatch(new Map(), new Map([['releases/dev.yaml', version('NEW')]]), 'dist', colors(false));
    assert.match(patch, /^\+  url: \(masked\)$/m);
    assert.match(patch, /^--- \/dev\/null\n\+\+\+ b\/dist\/releases\/dev\.yaml\n@@ -0,0 \+1,\d+ @@$/m);
  });

  it('knows real-world credential names, and keeps reference names visible', () => {
    const secret = ['secrets', 'passwords', 'tokens', 'credential', 'credentials', 'passphrase', 'pwd', 'dbpassword', 'password1', 'db_password_2', 'privateKeyPem', 'encryptionKey', 'smtpPasswords', 'clientSecret', 'apiKey', 'tls.key', 'API_KEY', 'smtpPass', 'jwtSecret', 'sshPrivateKey', 'licenseKey', 'tokenBase64', 'rootPassword', 'AWS_SECRET_ACCESS_KEY', 'oauth2ClientSecret', 'redisPassword'];
    const visible = ['existingSecret', 'secretName', 'tokenTTL', 'secretRef', 'secretKeyRef', 'passwordFile', 'keyName', 'imagePullSecrets', 'existingSecretPasswordKey', 'usePasswordFile', 'tokenPath', 'secretMounts', 'passwordLength', 'authorization', 'key', 'keyPath', 'compass', 'bypassProxy'];
    assert.deepEqual(secret.filter((k) => !isSecretKey(k)), []);
    assert.deepEqual(visible.filter((k) => isSecretKey(k)), []);
  });

  it('validation refuses literals under passphrase, secrets.* and smtpPasswords, an authorization value and a URL with a password', () => {
    const project = tempProject({
      'web.ts': environmentSource({
        namespace: { name: 'web' },
        releases: [{
          name: 'web', chart: { git: 'https://bot:hunter2@github.com/org/charts', path: 'web', ref: 'main' },
          values: { passphrase: 'x1', secrets: { db: 'x2' }, smtpPasswords: ['x3'], headers: { Authorization: 'Bearer abcdefghijkl' }, db: { url: 'postgres://u:x5@db/x' }, imagePullSecrets: [{ name: 'regcred' }] },
        }],
      }),
    });
    const result = run(['validate'], project.root);
    assert.equal(result.status, 2);
    for (const field of ['values.passphrase', 'values.secrets.db', 'values.smtpPasswords[0]', 'values.headers.Authorization', 'values.db.url']) {
      assert.match(result.stderr, new RegExp(`releases\\[0\\]\\.${field.replace(/[.[\]]/g, '\\$&')}: is a literal credential`), field);
    }
    assert.match(result.stderr, /releases\[0\]\.chart\.git: holds a password \(user:password@\)/);
    assert.doesNotMatch(result.stderr, /imagePullSecrets/);
  });
});

describe('markdown meant for a PR comment is inert', () => {
  it('escapes math, autolinks, emoji shortcodes and bidi overrides', () => {
    const text = escapeCell('$$x^2$$ https://evil.example www.evil.example :smile: a\u202Eb');
    for (const active of ['$$', 'https://', 'www.', ':smile:', '\u202E']) assert.ok(!text.includes(active), `${active} in ${text}`);
    assert.match(text, /&#60;U\+202E&#62;/);
  });

  it('one very long field path never empties the table', () => {
    const key = 'k'.repeat(100_000);
    // An explicit key (`? key`): YAML limits implicit keys to 1024 characters.
    const before = `---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: d\ndata:\n  ? ${key}\n  : a\n  short: a\n`;
    const after = before.replace(/: a\n/g, ': b\n');
    const r = review(new Map([['releases/dev.yaml', before]]), new Map([['releases/dev.yaml', after]]), fluxV1Effects(NO_SETTINGS));
    const markdown = formatMarkdown(r, 'dist', 'x', 20_000);
    assert.ok(markdown.length < 20_000);
    assert.match(markdown, /<code>data\.short<\/code> \| <code>&#34;a&#34;<\/code>|<code>data\.short<\/code>/);
  });
});

describe('limits Kubernetes and git enforce are checked before commit', () => {
  it('annotations over 256 KiB are exit 2', () => {
    const project = tempProject({
      'web.ts': environmentSource({ namespace: { name: 'web' }, releases: [{ name: 'web', chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' }, annotations: { 'example.com/a': 'x'.repeat(140_000), 'example.com/b': 'y'.repeat(140_000) } }] }),
    });
    const result = run(['validate'], project.root);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /releases\[0\]\.annotations: are \d+ bytes together, over Kubernetes' limit of 262144/);
  });

  for (const [field, value, message] of [
    ['branch', 'a..b', /holds "\.\."/],
    ['branch', 'x.lock', /ends with "\.lock"/],
    ['branch', 'feat/', /ends with "\/"/],
    ['branch', '@{u}', /holds "@\{"/],
    ['path', 'dist\u0007x', /is not a path inside the repository/],
  ] as const) {
    it(`gitops.${field} ${JSON.stringify(value)} is refused`, () => {
      const project = seedProject();
      const gitops = { url: 'ssh://git@github.com/org/fleet', branch: 'main', path: 'dist', [field]: value };
      fs.writeFileSync(path.join(project.root, 'helmflux.settings.ts'), `import { defineSettings } from 'helmflux';\n\nexport default defineSettings(${JSON.stringify({ chartsGitUrl: 'git@github.com:mifonpe/helmflux', flux: 'v2', gitops })});\n`);
      const result = run(['validate'], project.root);
      assert.equal(result.status, 2, result.stderr);
      assert.match(result.stderr, new RegExp(`^helmflux\\.settings\\.ts: gitops\\.${field}: .*${message.source}`, 'm'));
    });
  }

  it('a line break in imageUpdateAuthor.name, a misspelt setting with its suggestion', () => {
    const project = seedProject();
    fs.writeFileSync(path.join(project.root, 'helmflux.settings.ts'), `import { defineSettings } from 'helmflux';\n\nexport default defineSettings(${JSON.stringify({ chartsGitUrl: 'git@github.com:mifonpe/helmflux', fluxNamespce: 'fluxcd', imageUpdateAuthor: { name: 'bot\nInjected: header', email: 'bot@example.com' } })} as any);\n`);
    const result = run(['validate'], project.root);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /imageUpdateAuthor: .* is not a commit author/);
    assert.match(result.stderr, /fluxNamespce: is not a known setting\. Did you mean fluxNamespace\?/);
  });
});
