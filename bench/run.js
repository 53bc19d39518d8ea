#!/usr/bin/env node
// `npm run bench`: how fast helmflux synthesizes, measured end to end as a
// user runs it (child processes, wall time, peak RSS). Not part of the tests.
//
//   npm run bench                  the seed comparison, then 10 / 100 / 1,000 / 10,000 environments
//   npm run bench -- --envs N      one scale point; the last line is one JSON object
//   npm run bench -- --runs R      runs per measurement of the seed comparison (default 7)
//
// Every repository is generated in a fresh temporary folder, so no run sees
// another's cache or output. Peak RSS comes from GNU time (`/usr/bin/time`,
// Debian package `time`); without it the column says "n/a".
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
  const args = { envs: undefined, runs: 7 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--envs') args.envs = Number(argv[++i]);
    else if (argv[i] === '--runs') args.runs = Number(argv[++i]);
    else if (argv[i] === '--help' || argv[i] === '-h') {
      console.log('usage: npm run bench [-- --envs N] [-- --runs R]');
      process.exit(0);
    } else {
      console.error(`bench: unknown argument ${argv[i]}; use --envs N or --runs R`);
      process.exit(2);
    }
  }
  if (args.envs !== undefined && !(Number.isInteger(args.envs) && args.envs > 0)) {
    console.error('bench: --envs takes a positive whole number of environments, e.g. --envs 1000');
    process.exit(2);
  }
  return args;
}

/** Runs a command; returns wall milliseconds, peak RSS in MB (or null) and stdout. `ok`: the exit codes that mean success. */
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

/** A project helmflux sees as its own root (it has a cdk8s.yaml). */
function helmfluxProject(prefix, environments) {
  const root = tempFolder(prefix);
  fs.writeFileSync(path.join(root, 'cdk8s.yaml'), 'language: typescript\napp: node lib/src/cdk8s-app.js\n');
  fs.writeFileSync(
    path.join(root, 'package.json'),
    JSON.stringify({ name: 'bench', private: true, scripts: { synth: `node ${BIN} synth` } }, null, 2) + '\n',
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
    floor: { label: "`node -e \"require('cdk8s');require('cdk8s-plus-27')\"`", samples: [] },
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
    rows.floor.samples.push(measure('node', ['-e', "require('cdk8s');require('cdk8s-plus-27')"], REPO));
  }
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
  const toFloor = summary.helmfluxNode.wallMs / summary.floor.wallMs;
  const toFloorEdit = summary.helmfluxNodeEdit.wallMs / summary.floor.wallMs;
  console.log(`\n- cdk8s template \`npm run synth\` / helmflux \`npm run synth\` after an edit: **${speedup.toFixed(1)}x** (target: at least 8x)`);
  console.log(`- helmflux \`node bin synth\` / floor: **${toFloor.toFixed(2)}x** nothing changed, **${toFloorEdit.toFixed(2)}x** after an edit (target: at most 1.5x)`);
  console.log(`- \`diff\` / \`synth\`, nothing changed: **${(summary.diffNode.wallMs / summary.helmfluxNode.wallMs).toFixed(2)}x** (target: at most 1x)`);
  const watchRatio = summary.watch.wallMs / summary.helmfluxNpmEdit.wallMs;
  console.log(`- \`synth --watch\` edit -> written / cold \`npm run synth\` after an edit: **${watchRatio.toFixed(3)}x** (target: at most 0.3x)`);
  return summary;
}

function fmtMb(mb) {
  return mb === null ? 'n/a' : mb.toFixed(0);
}

/** A generated environment with two releases: one git chart, one Helm repository chart. */
function generatedEnvironment(i) {
  const name = `env-${String(i).padStart(5, '0')}`;
  return `import { defineEnvironment, settings } from 'helmflux';

export default defineEnvironment({
  namespace: { name: '${name}', labels: { team: 'team-${i % 20}' } },
  releases: [
    {
      name: 'web',
      releaseName: '${name}-web',
      chart: { git: settings.chartsGitUrl, path: 'helmbasics', ref: 'master' },
      flux: { automated: true },
      values: {
        environment: '${name}',
        replicaCount: ${(i % 5) + 1},
        image: { repository: 'docker.io/bitnami/apache', tag: '2.4.41-debian-10-r${i % 30}' },
        ingress: { host: '${name}.kubesandclouds.com', annotations: { 'kubernetes.io/ingress.class': 'nginx' } },
        resources: { limits: { cpu: '300m', memory: '256Mi' }, requests: { cpu: '200m', memory: '128Mi' } },
      },
    },
    {
      name: 'cache',
      chart: { repository: 'https://charts.bitnami.com/bitnami', name: 'redis', version: '10.5.7' },
      values: { cluster: { enabled: false }, usePassword: false, master: { persistence: { size: '${(i % 8) + 1}Gi' } } },
    },
  ],
});
`;
}

function folderStats(dir) {
  let files = 0;
  let bytes = 0;
  for (const sub of ['namespaces', 'releases']) {
    for (const name of fs.readdirSync(path.join(dir, sub))) {
      files++;
      bytes += fs.statSync(path.join(dir, sub, name)).size;
    }
  }
  return { files, bytes };
}

function writtenCount(stdout) {
  const match = stdout.match(/: (\d+) written, (\d+) unchanged, (\d+) removed/);
  if (!match) throw new Error(`no summary line in synth output:\n${stdout}`);
  return Number(match[1]);
}

function scalePoint(envs) {
  const environments = {};
  for (let i = 0; i < envs; i++) environments[`env-${String(i).padStart(5, '0')}.ts`] = generatedEnvironment(i);
  const project = helmfluxProject(`helmflux-bench-${envs}-`, environments);
  const first = measure('node', [BIN, 'synth'], project);
  const { files, bytes } = folderStats(path.join(project, 'dist'));
  const noop = measure('node', [BIN, 'synth'], project);
  fs.writeFileSync(
    path.join(project, 'environments', 'env-00000.ts'),
    fs.readFileSync(path.join(project, 'environments', 'env-00000.ts'), 'utf8').replace("replicaCount: 1,", 'replicaCount: 9,'),
  );
  // diff after the change (exit 1: one file differs), then synth writes it.
  const diffOneChange = measure('node', [BIN, 'diff', '--format', 'json'], project, [1]);
  const oneChange = measure('node', [BIN, 'synth'], project);
  return {
    envs,
    releases: envs * 2,
    files,
    bytes,
    wallMs: Math.round(first.wallMs),
    peakRssMb: first.peakRssMb === null ? null : Math.round(first.peakRssMb),
    noopFilesWritten: writtenCount(noop.stdout),
    noopWallMs: Math.round(noop.wallMs),
    oneChangeFilesWritten: writtenCount(oneChange.stdout),
    oneChangeWallMs: Math.round(oneChange.wallMs),
    diffOneChangeWallMs: Math.round(diffOneChange.wallMs),
  };
}

function printScale(points) {
  console.log('\n## (b) Scale, and (c) resynth: generated repositories, 2 releases per environment\n');
  console.log('| environments | files | bytes | first synth (ms) | peak RSS (MB) | ms per environment | no-op resynth (ms) | files written | one environment changed (ms) | files written | diff of that change (ms) |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const p of points) {
    console.log(
      `| ${p.envs} | ${p.files} | ${p.bytes} | ${p.wallMs} | ${p.peakRssMb ?? 'n/a'} | ${(p.wallMs / p.envs).toFixed(3)} | ${p.noopWallMs} | ${p.noopFilesWritten} | ${p.oneChangeWallMs} | ${p.oneChangeFilesWritten} | ${p.diffOneChangeWallMs} |`,
    );
  }
  const at = (n) => points.find((p) => p.envs === n);
  if (at(1000) && at(10000)) {
    // The time an environment adds: the slope between two scale points, free of start-up.
    const perEnvLow = (at(1000).wallMs - (at(100)?.wallMs ?? 0)) / (1000 - (at(100) ? 100 : 0));
    const perEnvHigh = (at(10000).wallMs - at(1000).wallMs) / 9000;
    console.log(`\n- time added per environment: ${perEnvLow.toFixed(3)} ms (100 -> 1,000), ${perEnvHigh.toFixed(3)} ms (1,000 -> 10,000): ratio ${(perEnvHigh / perEnvLow).toFixed(2)} (target: at most 1.5)`);
  }
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  if (!fs.existsSync(path.join(REPO, 'lib', 'src', 'cli', 'main.js'))) {
    console.error('bench: helmflux is not built; run `npm ci` (or `npm run build`) first');
    process.exit(2);
  }
  console.log(`# helmflux benchmark: node ${process.version}, ${os.cpus().length} CPUs, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB, ${new Date().toISOString().slice(0, 10)}`);
  if (args.envs !== undefined) {
    const point = scalePoint(args.envs);
    printScale([point]);
    console.log(JSON.stringify({ envs: point.envs, releases: point.releases, files: point.files, bytes: point.bytes, wallMs: point.wallMs, peakRssMb: point.peakRssMb, noopFilesWritten: point.noopFilesWritten, noopWallMs: point.noopWallMs }));
    return;
  }
  await seedComparison(args.runs);
  printScale([10, 100, 1000, 10000].map(scalePoint));
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
