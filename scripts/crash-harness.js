#!/usr/bin/env node
// Crash safety: kills `helmflux synth` with SIGKILL at random moments of its
// write phase and checks that dist/ never holds a partial or unowned file,
// and that the next synth finishes the job exactly.
//
//   node scripts/crash-harness.js [--runs 50] [--envs 2000] [--seed 1]
//
// A repository of --envs environments is synthesized (the "old" dist/), then
// changed: a third of the environments get new values, a tenth are deleted,
// and new ones are added. The "new" dist/ is what an uninterrupted synth
// makes of that. Each run restores the old dist/, starts synth, waits for its
// first "wrote" line, waits a random while longer and kills it. Then:
// - every file in dist/ is byte for byte its old or its new version (a
//   removed file may still be there, old), or a leftover temporary file;
// - every generated file there is on the record (.helmflux-files);
// - the next synth completes, and dist/ is then exactly the new dist/ with
//   no temporary file left.
// Prints one summary line; exits 1 on the first inconsistency.
'use strict';
const { spawn, spawnSync } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

const REPO = path.resolve(__dirname, '..');
const BIN = path.join(REPO, 'bin', 'helmflux.js');

function parseArgs(argv) {
  const args = { runs: 50, envs: 2000, seed: 1 };
  for (let i = 0; i < argv.length; i += 2) {
    const key = argv[i].replace(/^--/, '');
    if (!(key in args) || !Number.isInteger(Number(argv[i + 1]))) {
      console.error(`crash-harness: usage: --runs N --envs N --seed N (got ${argv[i]} ${argv[i + 1] ?? ''})`);
      process.exit(2);
    }
    args[key] = Number(argv[i + 1]);
  }
  return args;
}

/** A small deterministic random number generator, so a failing seed can be replayed. */
function random(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

function environment(name, version) {
  return `import { defineEnvironment } from 'helmflux';
export default defineEnvironment({
  namespace: { name: '${name}' },
  releases: [
    { name: 'web', chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' }, values: { version: ${version}, host: '${name}.example.com', padding: '${'x'.repeat(200)}' } },
    { name: 'cache', chart: { repository: 'https://charts.example.com', name: 'redis', version: '1.0.${version}' } },
  ],
});
`;
}

/** Every file under a folder: relative path -> bytes (as latin1 text). */
function tree(dir) {
  const out = new Map();
  const walk = (d, prefix) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const rel = prefix ? `${prefix}/${e.name}` : e.name;
      if (e.isDirectory()) walk(path.join(d, e.name), rel);
      else out.set(rel, fs.readFileSync(path.join(d, e.name), 'latin1'));
    }
  };
  if (fs.existsSync(dir)) walk(dir, '');
  return out;
}

/** Makes `dir` hold exactly `files`, touching only what differs. */
function restore(dir, files) {
  const current = tree(dir);
  for (const [rel] of current) if (!files.has(rel)) fs.rmSync(path.join(dir, rel));
  for (const [rel, bytes] of files) {
    if (current.get(rel) === bytes) continue;
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), bytes, 'latin1');
  }
}

function synthToCompletion(root) {
  const result = spawnSync(process.execPath, [BIN, 'synth'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
  if (result.status !== 0) throw new Error(`synth failed (${result.status}):\n${result.stderr}`);
}

const RECORD = '.helmflux-files';
const isTemporary = (rel) => rel.endsWith('.helmflux-tmp');

/** What may be in dist/ right after a kill; returns a problem, or undefined. */
function checkAfterKill(dist, oldFiles, newFiles) {
  const now = tree(dist);
  const record = new Set((now.get(RECORD) ?? '').split('\n').filter((l) => l && !l.startsWith('#')));
  for (const [rel, bytes] of now) {
    if (isTemporary(rel) || rel === RECORD) continue;
    if (bytes !== oldFiles.get(rel) && bytes !== newFiles.get(rel)) {
      return `${rel} is neither its old nor its new version (${bytes.length} bytes)`;
    }
    if (!record.has(rel)) return `${rel} is in dist/ but not on the record`;
  }
  return undefined;
}

/**
 * Starts synth and, once it has written its first file, kills it after
 * `delay()` milliseconds (never, when `delay` is undefined). Resolves with
 * whether it was killed and how long its write phase lasted.
 */
function synthAndKill(root, delay) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'synth'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let writing;
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdout.on('data', (chunk) => {
      if (writing !== undefined || !/^(wrote|removed) /m.test(String(chunk))) return;
      writing = Date.now();
      if (delay) setTimeout(() => child.kill('SIGKILL'), delay());
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const writeMs = writing === undefined ? 0 : Date.now() - writing;
      if (signal === 'SIGKILL') resolve({ killed: true, writeMs });
      else if (code === 0) resolve({ killed: false, writeMs });
      else reject(new Error(`synth exited ${code}:\n${stderr}`));
    });
  });
}

async function main() {
  const args = parseArgs(process.argv.slice(2));
  const rand = random(args.seed);
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'helmflux-crash-'));
  process.on('exit', () => fs.rmSync(root, { recursive: true, force: true }));
  fs.writeFileSync(path.join(root, 'cdk8s.yaml'), 'language: typescript\napp: node -e 0\n');
  const envDir = path.join(root, 'environments');
  fs.mkdirSync(envDir);
  const name = (i) => `env-${String(i).padStart(5, '0')}`;
  for (let i = 0; i < args.envs; i++) fs.writeFileSync(path.join(envDir, `${name(i)}.ts`), environment(name(i), 1));
  const dist = path.join(root, 'dist');
  synthToCompletion(root);
  const oldFiles = tree(dist);

  // The change: new values for a third, a tenth deleted, a tenth more added.
  for (let i = 0; i < args.envs; i++) {
    if (i % 10 === 5) fs.rmSync(path.join(envDir, `${name(i)}.ts`));
    else if (i % 3 === 0) fs.writeFileSync(path.join(envDir, `${name(i)}.ts`), environment(name(i), 2));
  }
  for (let i = args.envs; i < args.envs + Math.ceil(args.envs / 10); i++) fs.writeFileSync(path.join(envDir, `${name(i)}.ts`), environment(name(i), 2));
  synthToCompletion(root);
  const newFiles = tree(dist);

  // How long the write phase lasts, so that kills land within it.
  restore(dist, oldFiles);
  const { writeMs } = await synthAndKill(root, undefined);
  let killedCount = 0;
  for (let run = 1; run <= args.runs; run++) {
    restore(dist, oldFiles);
    const outcome = await synthAndKill(root, () => Math.floor(rand() * writeMs));
    if (outcome.killed) killedCount++;
    const problem = checkAfterKill(dist, oldFiles, newFiles);
    if (problem) {
      console.error(`crash-harness: run ${run} (seed ${args.seed}): after the kill, ${problem}`);
      process.exit(1);
    }
    synthToCompletion(root);
    const after = tree(dist);
    const leftovers = [...after.keys()].filter(isTemporary);
    const differs = [...new Set([...after.keys(), ...newFiles.keys()])].filter((rel) => after.get(rel) !== newFiles.get(rel));
    if (leftovers.length > 0 || differs.length > 0) {
      console.error(`crash-harness: run ${run} (seed ${args.seed}): the synth after the kill left ${leftovers.length} temporary file(s) and ${differs.length} file(s) unlike an uninterrupted run: ${[...leftovers, ...differs].slice(0, 5).join(', ')}`);
      process.exit(1);
    }
  }
  console.log(
    `crash-harness: ${args.runs} runs over ${args.envs} environments (write phase ${writeMs} ms), ${killedCount} killed while writing, ` +
      `${args.runs - killedCount} finished first; dist/ was consistent after every kill and complete after every rerun`,
  );
}

main().catch((err) => {
  console.error(`crash-harness: ${err.stack ?? err}`);
  process.exit(3);
});
