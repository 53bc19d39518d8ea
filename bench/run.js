#!/usr/bin/env node
// `npm run bench`: how fast helmflux is, measured end to end as a user runs
// it (child processes, wall time, peak RSS), each result against a plain
// cdk8s baseline measured in the same run. Not part of the tests.
//
//   npm run bench                  (a) the seed and its edit loop, (b) 4 / 1,000 / 10,000 environments
//   npm run bench -- --check       the same, then exit 1 when a target (BENCHMARKS.md) is missed
//   npm run bench -- --envs N      one scale point of (b)
//   npm run bench -- --runs R      runs per measurement of (a) (default 7)
//
// Environments have the shape the README teaches: copies of the seed's
// environments/dev.ts, each importing the chart module common/charts/helmbasics
// (typed values, schema checked) with image automation. Every repository is
// generated in a fresh temporary folder, so no run sees another's cache or
// output. Peak RSS comes from GNU time (`/usr/bin/time`, Debian package
// `time`): the whole process, its worker threads included. Each phase prints
// a line as it goes (on stdout: the lines are the report).
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');
const BIN = path.join(REPO, 'bin', 'helmflux.js');
const CDK8S = path.join(REPO, 'node_modules', 'cdk8s-cli', 'bin', 'cdk8s');
const GNU_TIME = fs.existsSync('/usr/bin/time') ? '/usr/bin/time' : undefined;
const ENV = { ...process.env, CDK8S_CHECK_UPGRADE: 'false', npm_config_update_notifier: 'false' };

function parseArgs(argv) {
  const args = { envs: undefined, runs: 7, check: false };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--envs') args.envs = Number(argv[++i]);
    else if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else if (argv[i] === '--check') args.check = true;
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log('usage: npm run bench [-- --check] [-- --envs N] [-- --runs R]');
      process.exit(0);
    } else {
      console.error(`bench: unknown argument ${argv[i]}; use --check, --envs N or --runs R`);
      process.exit(2);
    }
  }
  if (args.envs !== undefined && !(Number.isInteger(args.envs) && args.envs > 0)) {
    console.error('bench: --envs takes a positive whole number of environments, e.g. --envs 1000');
    process.exit(2);
  }
  return args;
}

/** Runs a command; returns wall milliseconds, peak RSS in MiB (GNU time's %M is in KiB; or null) and stdout. `ok`: the exit codes that mean success. */
function measure(command, args, cwd, ok = [0]) {
  const timed = GNU_TIME ? [GNU_TIME, ['-f', '%M', command, ...args]] : [command, args];
  const start = process.hrtime.bigint();
  const result = spawnSync(timed[0], timed[1], { cwd, env: ENV, encoding: 'utf8', maxBuffer: 1 << 28 });
  const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
  if (!ok.includes(result.status)) {
    throw new Error(`${command} ${args.join(' ')} failed (${result.status}) in ${cwd}:\n${result.stdout}\n${result.stderr}`);
  }
  const lines = result.stderr.trim().split('\n');
  const peakRssMb = GNU_TIME ? Number(lines[lines.length - 1]) / 1024 : null;
  return { wallMs, peakRssMb, stdout: result.stdout };
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function tempFolder(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** What cdk8s itself costs a command that renders a Namespace: loading cdk8s and cdk8s-plus-27's Namespace module. */
const FLOOR = `node -e "require('${path.join(REPO, 'node_modules', 'cdk8s')}');require('${path.join(REPO, 'node_modules', 'cdk8s-plus-27', 'lib', 'namespace')}')"`;

/** Prints a progress line at once (the bench's report is these lines). */
function say(line) {
  process.stdout.write(`${line}\n`);
}

/** A project helmflux sees as its own root (it has a cdk8s.yaml); `npm run floor` is the floor any cdk8s tool pays. */
function helmfluxProject(prefix, environments) {
  const root = tempFolder(prefix);
  fs.writeFileSync(path.join(root, 'cdk8s.yaml'), 'language: typescript\napp: node lib/src/cdk8s-app.js\n');
  fs.writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'bench', private: true, scripts: { synth: `node ${BIN} synth`, floor: FLOOR } }, null, 2) + '\n',
  );
  fs.mkdirSync(path.join(root, 'environments'));
  for (const [name, text] of Object.entries(environments)) fs.writeFileSync(path.join(root, 'environments', name), text);
  // What the environments import: the repository settings and the shared modules.
  fs.copyFileSync(path.join(REPO, 'helmflux.settings.ts'), path.join(root, 'helmflux.settings.ts'));
  fs.cpSync(path.join(REPO, 'common'), path.join(root, 'common'), { recursive: true });
  return root;
}

/**
 * Edit-to-written time of \`helmflux synth --watch\`: from writing a changed
 * environment file (a value that changes its release file) to the watch's
 * summary line saying it wrote the file. Milliseconds, one sample per run.
 */
async function watchLatency(project, file, runs) {
  const child = spawn('node', [BIN, 'synth', '--watch', '--quiet'], { cwd: project, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk) => (stderr += chunk));
  const until = async (test) => {
    const start = Date.now();
    while (!test()) {
      if (Date.now() - start > 30000) throw new Error(`synth --watch did not answer:\n${stdout}\n${stderr}`);
      await new Promise((resolve) => setImmediate(resolve));
    }
  };
  const samples = [];
  try {
    await until(() => stdout.includes('watching for changes'));
    const original = fs.readFileSync(file, 'utf8');
    for (let run = 0; run < runs; run++) {
      await new Promise((resolve) => setTimeout(resolve, 100)); // let the previous run settle
      stdout = '';
      const start = process.hrtime.bigint();
      fs.writeFileSync(file, original.replace('replicaCount: 1', `replicaCount: ${run % 2 === 0 ? 11 : 12}`));
      await until(() => / 1 written, /.test(stdout));
      samples.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    fs.writeFileSync(file, original);
  } finally {
    child.kill();
  }
  return samples;
}

function seedEnvironments() {
  const dir = path.join(REPO, 'environments');
  return Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.readFileSync(path.join(dir, f), 'utf8')]));
}

/** An edit that changes the file's bytes but not its objects, so every "after an edit" run does the same work. */
function editEnvironment(file, run) {
  const text = fs.readFileSync(file, 'utf8').replace(/\n\/\/ bench edit \d+\n$/, '');
  fs.writeFileSync(file, `${text}\n// bench edit ${run}\n`);
}

/** The standard cdk8s-cli TypeScript app (`cdk8s init typescript-app`) making the seed's objects. */
function cdk8sTemplateApp() {
  const root = tempFolder('helmflux-bench-cdk8s-');
  fs.symlinkSync(path.join(REPO, 'node_modules'), path.join(root, 'node_modules'), 'dir');
  fs.mkdirSync(path.join(root, 'imports'));
  fs.copyFileSync(path.join(REPO, 'src', 'imports', 'helm.fluxcd.io.ts'), path.join(root, 'imports', 'helm.fluxcd.io.ts'));
  const template = path.join(REPO, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app');
  fs.copyFileSync(path.join(template, 'tsconfig.json'), path.join(root, 'tsconfig.json'));
  fs.writeFileSync(path.join(root, 'cdk8s.yaml'), fs.readFileSync(path.join(template, 'cdk8s.yaml'), 'utf8').replace(/imports:\n(  - .*\n)+/, ''));
  fs.writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'cdk8s-template', private: true, scripts: { synth: 'cdk8s synth' } }, null, 2) + '\n',
  );
  const environments = [
    ['dev', 'develop', 'helmbasic-develop', 'helmbasics', 'develop', { environment: 'development', replicaCount: 1, ingress: { host: 'mywebserver.dev.kubesandclouds.com' } }],
    ['stg', 'staging', 'helmbasic-staging', 'helmbasics', 'staging', { environment: 'staging', replicaCount: 2, ingress: { host: 'mywebserver.staging.kubesandclouds.com' } }],
    ['pro', 'production', 'helmbasic-production', 'helmbasics', 'master', { environment: 'production', replicaCount: 3, ingress: { host: 'mywebserver.pro.kubesandclouds.com' } }],
    ['ingress', 'ingress', 'nginx-ingress', 'nginx-ingress', 'master', undefined],
  ];
  const charts = environments
    .map(
      ([id, namespace, name, chartPath, ref, values]) => `
const ${id} = new Chart(app, '${id}');
new kplus.Namespace(${id}, 'Namespace', { metadata: { name: '${namespace}' } });
new HelmRelease(${id}, 'Release', {
  metadata: { name: '${name}', namespace: '${namespace}', annotations: { 'fluxcd.io/automated': 'true' } },
  spec: {
    releaseName: '${name}',
    helmVersion: HelmReleaseSpecHelmVersion.V3,
    chart: { git: 'git@github.com:mifonpe/helmflux', path: '${chartPath}', ref: '${ref}' },${values ? `\n    values: ${JSON.stringify(values)},` : ''}
  },
});`,
    )
    .join('\n');
  fs.writeFileSync(
    path.join(root, 'main.ts'),
    `import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { HelmRelease, HelmReleaseSpecHelmVersion } from './imports/helm.fluxcd.io';

const app = new App();
${charts}
app.synth();
`,
  );
  return root;
}

async function seedComparison(runs) {
  const project = helmfluxProject('helmflux-bench-seed-', seedEnvironments());
  const template = cdk8sTemplateApp();
  const devFile = path.join(project, 'environments', 'dev.ts');
  measure('node', [BIN, 'synth'], project); // the first synth writes dist/; every measured run after it writes nothing
  measure('npm', ['run', '--silent', 'synth'], template); // warm the file cache for ts-node too
  const rows = {
    helmfluxNpmEdit: { label: '`npm run synth` after an edit (helmflux)', samples: [] },
    helmfluxNodeEdit: { label: '`node bin/helmflux.js synth` after an edit', samples: [] },
    helmfluxNode: { label: '`node bin/helmflux.js synth`, nothing changed', samples: [] },
    diffNode: { label: '`node bin/helmflux.js diff`, nothing changed', samples: [] },
    template: { label: '`npm run synth` of the cdk8s TypeScript template (`cdk8s synth`, ts-node)', samples: [] },
    floor: { label: "`npm run floor`: node loading cdk8s and cdk8s-plus-27's Namespace module (the floor)", samples: [] },
  };
  for (let run = 0; run < runs; run++) {
    // Alternating, so any drift of the machine hits every row alike.
    editEnvironment(devFile, run * 2);
    rows.helmfluxNpmEdit.samples.push(measure('npm', ['run', '--silent', 'synth'], project));
    editEnvironment(devFile, run * 2 + 1);
    rows.helmfluxNodeEdit.samples.push(measure('node', [BIN, 'synth'], project));
    rows.helmfluxNode.samples.push(measure('node', [BIN, 'synth'], project));
    rows.diffNode.samples.push(measure('node', [BIN, 'diff'], project));
    rows.template.samples.push(measure('npm', ['run', '--silent', 'synth'], template));
    rows.floor.samples.push(measure('npm', ['run', '--silent', 'floor'], project));
    say(`bench: (a) run ${run + 1}/${runs}: npm run synth after an edit ${rows.helmfluxNpmEdit.samples[run].wallMs.toFixed(0)} ms, floor ${rows.floor.samples[run].wallMs.toFixed(0)} ms, template ${rows.template.samples[run].wallMs.toFixed(0)} ms`);
  }
  say('bench: (a) synth --watch, edit to written');
  const watchSamples = await watchLatency(project, devFile, runs);
  rows.watch = { label: 'edit -> written by `node bin/helmflux.js synth --watch` (a value changed)', samples: watchSamples.map((wallMs) => ({ wallMs, peakRssMb: null })) };
  const summary = Object.fromEntries(
    Object.entries(rows).map(([key, row]) => [
      key,
      {
        label: row.label,
        wallMs: median(row.samples.map((s) => s.wallMs)),
        peakRssMb: GNU_TIME && row.samples[0].peakRssMb !== null ? median(row.samples.map((s) => s.peakRssMb)) : null,
      },
    ]),
  );
  console.log(`\n## (a) The seed repository: medians of ${runs} alternating runs\n`);
  console.log('| command | wall (ms) | peak RSS (MB) |');
  console.log('| --- | ---: | ---: |');
  for (const row of Object.values(summary)) console.log(`| ${row.label} | ${row.wallMs.toFixed(0)} | ${fmtMb(row.peakRssMb)} |`);
  const speedup = summary.template.wallMs / summary.helmfluxNpmEdit.wallMs;
  console.log(`\n- cdk8s template \`npm run synth\` / helmflux \`npm run synth\` after an edit: **${speedup.toFixed(1)}x**`);
  return [
    target('(a) `npm run synth` after an edit / `npm run floor`', summary.helmfluxNpmEdit.wallMs / summary.floor.wallMs, 1.35, 'x'),
    target('(a) `diff` / `synth`, nothing changed', summary.diffNode.wallMs / summary.helmfluxNode.wallMs, 1.0, 'x'),
    target('(a) `synth --watch` edit -> written / cold `npm run synth` after an edit', summary.watch.wallMs / summary.helmfluxNpmEdit.wallMs, 0.3, 'x'),
  ];
}

/** A target: the measured value against its most. */
function target(label, value, most, unit) {
  return { label, value, most, unit, met: value <= most };
}

function fmtMb(mb) {
  return mb === null ? 'n/a' : mb.toFixed(0);
}

/** The seed's environments/dev.ts as environment `i`: its own namespace and release, the chart module imported as the README teaches. */
function chartModuleEnvironment(devSource, i) {
  const name = `e${String(i).padStart(5, '0')}`;
  return [`${name}.ts`, devSource.replace(/namespace: \{ name: 'develop' \}/, `namespace: { name: '${name}' }`).replace(/helmbasic-develop/g, `web-${name}`)];
}

/** A precompiled plain cdk8s app (JavaScript, no transpiling) putting the same objects in one chart and synthesizing it, as `cdk8s synth` would. */
function plainApp(root, envs) {
  const file = path.join(root, 'plain-app.js');
  fs.writeFileSync(
    file,
    `'use strict';
const { App, Chart } = require(${JSON.stringify(path.join(REPO, 'node_modules', 'cdk8s'))});
const { Namespace } = require(${JSON.stringify(path.join(REPO, 'node_modules', 'cdk8s-plus-27', 'lib', 'namespace'))});
const { HelmRelease, HelmReleaseSpecHelmVersion } = require(${JSON.stringify(path.join(REPO, 'lib', 'src', 'imports', 'helm.fluxcd.io'))});
const app = new App({ outdir: ${JSON.stringify(path.join(root, 'plain-out'))} });
const chart = new Chart(app, 'all');
for (let i = 0; i < ${envs}; i++) {
  const name = 'e' + String(i).padStart(5, '0');
  new Namespace(chart, 'ns-' + name, { metadata: { name } });
  new HelmRelease(chart, 'hr-' + name, {
    metadata: { name: 'web-' + name, namespace: name, annotations: { 'filter.fluxcd.io/chart-image': 'glob:v*', 'fluxcd.io/automated': 'true' } },
    spec: {
      releaseName: 'web-' + name,
      helmVersion: HelmReleaseSpecHelmVersion.V3,
      chart: { git: 'git@github.com:mifonpe/helmflux', path: 'helmbasics', ref: 'develop' },
      values: { environment: 'development', replicaCount: 1, ingress: { host: 'mywebserver.dev.kubesandclouds.com' }, image: { repository: 'fontanillamiguel/apache', tag: 'v0.0.1' } },
    },
  });
}
app.synth();
`,
  );
  return file;
}

function writtenCount(stdout) {
  const match = stdout.match(/: (\d+) written, (\d+) unchanged, (\d+) removed/);
  if (!match) throw new Error(`no summary line in synth output:\n${stdout}`);
  return Number(match[1]);
}

/** How many times each scale point runs the plain app and `validate`, alternating: this machine's timings move by 15 % from one run to the next. */
const PAIRS = 3;

/** One scale point: validate and synth of `envs` copies of dev.ts against the plain cdk8s app, in one run. */
function scalePoint(envs) {
  const dev = fs.readFileSync(path.join(REPO, 'environments', 'dev.ts'), 'utf8');
  const project = helmfluxProject(`helmflux-bench-${envs}-`, Object.fromEntries(Array.from({ length: envs }, (_, i) => chartModuleEnvironment(dev, i))));
  const plain = plainApp(project, envs);
  const mib = (m) => (m.peakRssMb === null ? 'n/a' : `${m.peakRssMb.toFixed(0)} MiB`);
  // Alternating, so drift hits both alike; the ratio is of the medians, the memory the largest seen.
  const plainRuns = [];
  const validateRuns = [];
  for (let pair = 1; pair <= PAIRS; pair++) {
    say(`bench: (b) ${envs} environments, pair ${pair}/${PAIRS}: plain cdk8s app`);
    plainRuns.push(measure('node', [plain], project));
    say(`bench: (b) ${envs} environments, pair ${pair}/${PAIRS}: plain cdk8s app ${plainRuns[pair - 1].wallMs.toFixed(0)} ms, ${mib(plainRuns[pair - 1])}; helmflux validate`);
    validateRuns.push(measure('node', [BIN, 'validate'], project));
    say(`bench: (b) ${envs} environments, pair ${pair}/${PAIRS}: helmflux validate ${validateRuns[pair - 1].wallMs.toFixed(0)} ms, ${mib(validateRuns[pair - 1])}`);
  }
  const plainMs = median(plainRuns.map((m) => m.wallMs));
  const validateMs = median(validateRuns.map((m) => m.wallMs));
  const largest = (runs) => (runs[0].peakRssMb === null ? null : Math.round(Math.max(...runs.map((m) => m.peakRssMb))));
  say(`bench: (b) ${envs} environments: medians plain ${plainMs.toFixed(0)} ms, validate ${validateMs.toFixed(0)} ms (${(validateMs / plainMs).toFixed(2)}x); helmflux synth`);
  const first = measure('node', [BIN, 'synth', '--quiet'], project);
  say(`bench: (b) ${envs} environments: first synth ${first.wallMs.toFixed(0)} ms, ${mib(first)}; synth again`);
  const again = measure('node', [BIN, 'synth', '--quiet'], project);
  const rewritten = writtenCount(again.stdout);
  say(`bench: (b) ${envs} environments: second synth ${again.wallMs.toFixed(0)} ms, ${rewritten} files written`);
  return {
    envs,
    plainMs: Math.round(plainMs),
    plainRssMib: largest(plainRuns),
    validateMs: Math.round(validateMs),
    validateRssMib: largest(validateRuns),
    ratio: validateMs / plainMs,
    synthMs: Math.round(first.wallMs),
    synthRssMib: first.peakRssMb === null ? null : Math.round(first.peakRssMb),
    againMs: Math.round(again.wallMs),
    rewritten,
  };
}

function printScale(points) {
  console.log('\n## (b) Scale: copies of environments/dev.ts (chart module, typed values, image automation), against a precompiled plain cdk8s app with the same objects in one chart\n');
  console.log(`| environments | plain cdk8s app (ms, median of ${PAIRS}) | its peak RSS (MiB) | helmflux validate (ms, median of ${PAIRS}) | its peak RSS (MiB, largest) | validate / plain | first synth (ms) | its peak RSS (MiB) | second synth (ms) | files it wrote |`);
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const p of points) {
    console.log(`| ${p.envs} | ${p.plainMs} | ${p.plainRssMib ?? 'n/a'} | ${p.validateMs} | ${p.validateRssMib ?? 'n/a'} | ${p.ratio.toFixed(2)}x | ${p.synthMs} | ${p.synthRssMib ?? 'n/a'} | ${p.againMs} | ${p.rewritten} |`);
  }
  const at = points.find((p) => p.envs === 10000);
  if (at === undefined) return [];
  return [
    target('(b) 10,000 environments: helmflux validate / plain cdk8s app', at.ratio, 1.0, 'x'),
    ...(at.validateRssMib === null ? [] : [target('(b) 10,000 environments: validate peak RSS', at.validateRssMib, 300, ' MiB')]),
    ...(at.synthRssMib === null ? [] : [target('(b) 10,000 environments: synth peak RSS', at.synthRssMib, 300, ' MiB')]),
    target('(b) 10,000 environments: files the second synth writes', at.rewritten, 0, ''),
  ];
}

/** Prints the targets; with --check, exits 1 when one is missed. */
function report(targets, check) {
  if (targets.length === 0) return;
  console.log('\n## Targets\n');
  console.log('| target | measured | at most | met |');
  console.log('| --- | ---: | ---: | --- |');
  for (const t of targets) console.log(`| ${t.label} | ${Number.isInteger(t.value) ? t.value : t.value.toFixed(2)}${t.unit} | ${t.most}${t.unit} | ${t.met ? 'yes' : '**no**'} |`);
  const missed = targets.filter((t) => !t.met);
  if (check && missed.length > 0) {
    console.error(`bench: ${missed.length} target${missed.length === 1 ? '' : 's'} missed: ${missed.map((t) => t.label).join('; ')}`);
    process.exit(1);
  }
  if (check) say('bench: every target met');
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(REPO, 'lib', 'src', 'cli', 'main.js'))) {
    console.error('bench: helmflux is not built; run `npm ci` (or `npm run build`) first');
    process.exit(2);
  }
  console.log(`# helmflux benchmark: node ${process.version}, ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${new Date().toISOString().slice(0, 10)}`);
  if (!GNU_TIME) say('bench: /usr/bin/time is missing (Debian package `time`): peak RSS is not measured, and its targets are not checked');
  if (args.envs !== undefined) {
    const point = scalePoint(args.envs);
    report(printScale([point]), args.check);
    console.log(JSON.stringify(point));
    return;
  }
  say(`bench: (a) the seed, ${args.runs} alternating runs`);
  const targets = await seedComparison(args.runs);
  targets.push(...printScale([4, 1000, 10000].map(scalePoint)));
  report(targets, args.check);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
