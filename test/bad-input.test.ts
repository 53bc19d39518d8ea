/**
 * The bad-input corpus, through the real CLI. Each folder of
 * test/fixtures/bad-input/<case>/ holds:
 *
 * - `environments/`: the project's environment files (no such folder: the
 *   project has none);
 * - `project/` (optional): files put at the project root;
 * - `case.json`: what the case is about, extra `synth` arguments, how to set
 *   the project up, and every problem stderr must list (`Case` below).
 *
 * GIVEN a project whose dist/ a good synth filled (something to lose), WHEN
 * `helmflux synth` runs on the case, THEN it exits 2, lists exactly the
 * expected problems as `<file>: <field>: <message>. <fix>`, prints nothing on
 * stdout, shows no machine-specific path, and leaves every file and folder of
 * the project (and of any folder a symbolic link leads to) as it was, bytes
 * and mtimes, with no temporary file. A case with `valid` is the opposite: it
 * must synthesize, and its values must read back exactly.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { goYamlDecodeFiles, skipGoYaml } from './goyaml';
import { BIN, REPO, snapshotTree, tempDir, tempProject } from './helpers';

interface ExpectedProblem {
  /** The file (or flag) the line starts with, e.g. `environments/dev.ts`. */
  readonly file: string;
  /** The field, e.g. `releases[0].chart.ref`. */
  readonly field: string;
  /** What is wrong: the start of the text after `<file>: <field>: `. */
  readonly message: string;
  /** How to fix it: the start of the text after the message's `. `. */
  readonly fix: string;
}

interface Case {
  /** Why the case exists. */
  readonly about: string;
  /** Arguments after `synth`. */
  readonly args?: readonly string[];
  /** Every problem stderr must list, and no other. */
  readonly problems?: readonly ExpectedProblem[];
  /** Further text stderr must contain. */
  readonly mentions?: readonly string[];
  /** Add the case's environment files to the good ones (which the synth cache then serves) instead of replacing them. */
  readonly overlay?: boolean;
  /** Make `at` (relative to the project root) a symbolic link to a folder outside the project, holding a copy of `copyOf` if given. */
  readonly symlinks?: readonly { readonly at: string; readonly copyOf?: string }[];
  /** Replace this dist/ file with a hand-written one (no helmflux header). */
  readonly foreignFile?: string;
  /** Replace these paths (relative to the project root) with an empty folder or a file. */
  readonly replace?: readonly { readonly path: string; readonly with: 'folder' | 'file' }[];
  /** How long synth may take. @default 20000 */
  readonly timeoutMs?: number;
  /** Not bad input: synth exits 0 and the first document of `file` (in dist/) has exactly these values, labels and annotations. */
  readonly valid?: { readonly file: string; readonly values: unknown; readonly labels?: unknown; readonly annotations?: unknown };
}

const CORPUS = path.join(REPO, 'test', 'fixtures', 'bad-input');
const TEMP_SUFFIX = '.helmflux-tmp';

/** The project every case starts from: two environments, so a bad run has files to rewrite and to remove. */
const GOOD_ENVIRONMENTS: Record<string, string> = {
  'dev.ts': `import { defineEnvironment } from 'helmflux';

export default defineEnvironment({
  namespace: { name: 'develop', labels: { team: 'web' } },
  releases: [{ name: 'web', chart: { git: 'git@github.com:org/charts', path: 'charts/web', ref: 'main' }, values: { replicaCount: 1 } }],
});
`,
  'stg.ts': `import { defineEnvironment } from 'helmflux';

export default defineEnvironment({
  namespace: { name: 'staging' },
  releases: [{ name: 'cache', chart: { repository: 'https://charts.bitnami.com/bitnami', name: 'redis', version: '10.5.7' } }],
});
`,
};

interface Run {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** The real CLI, asynchronously, so that a few cases run at once. */
function runCli(args: readonly string[], cwd: string, timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status, signal) => resolve({ status, signal, stdout, stderr }));
  });
}

/** Every file (bytes, mtime) and every folder (mtime: it changes when anything is created or removed in it, even briefly). */
function snapshot(dir: string): { files: ReturnType<typeof snapshotTree>; folders: Map<string, number> } {
  const folders = new Map<string, number>();
  const walk = (d: string, rel: string) => {
    folders.set(rel, fs.lstatSync(d).mtimeMs);
    for (const e of fs.readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) walk(path.join(d, e.name), `${rel}/${e.name}`);
  };
  if (fs.existsSync(dir)) walk(dir, '.');
  return { files: snapshotTree(dir), folders };
}

function temporaryFiles(dir: string): string[] {
  return [...snapshotTree(dir).keys()].filter((p) => p.endsWith(TEMP_SUFFIX));
}

/** Which expected problems stderr lacks, and whether the count matches: one message for all that is wrong. */
function problemMismatches(stderr: string, expected: readonly ExpectedProblem[]): string[] {
  const lines = stderr.split('\n').filter((l) => l !== '');
  const wrong: string[] = [];
  const summary = `helmflux: ${expected.length === 1 ? '1 problem' : `${expected.length} problems`}; nothing was written.`;
  if (lines[lines.length - 1] !== summary) wrong.push(`last line is not "${summary}"`);
  const unmatched = lines.slice(0, -1);
  for (const p of expected) {
    const head = `${p.file}: ${p.field}: ${p.message}`;
    const index = unmatched.findIndex((l) => l.startsWith(head) && l.indexOf(`. ${p.fix}`, head.length - 1) >= 0);
    if (index < 0) wrong.push(`no line "${head}... . ${p.fix}..."`);
    else unmatched.splice(index, 1);
  }
  return wrong;
}

/** A copy of a good synth's dist/ (files and mtimes) for each case; made once. */
let goodDist: string;

async function setUp(name: string, spec: Case): Promise<{ root: string; outside: string[] }> {
  const caseDir = path.join(CORPUS, name);
  const project = tempProject({});
  if (spec.overlay) {
    // A real synth in place: dist/ and the synth cache as a user has them.
    for (const [file, text] of Object.entries(GOOD_ENVIRONMENTS)) fs.writeFileSync(path.join(project.environments, file), text);
    const good = await runCli(['synth'], project.root);
    assert.equal(good.status, 0, good.stderr);
  } else {
    fs.cpSync(goodDist, project.dist, { recursive: true, preserveTimestamps: true });
    fs.rmSync(project.environments, { recursive: true });
  }
  if (fs.existsSync(path.join(caseDir, 'environments'))) fs.cpSync(path.join(caseDir, 'environments'), project.environments, { recursive: true });
  if (fs.existsSync(path.join(caseDir, 'project'))) fs.cpSync(path.join(caseDir, 'project'), project.root, { recursive: true });
  if (spec.foreignFile) fs.writeFileSync(path.join(project.dist, spec.foreignFile), 'hand: written\n');
  for (const r of spec.replace ?? []) {
    const at = path.join(project.root, r.path);
    fs.rmSync(at, { recursive: true, force: true });
    if (r.with === 'folder') fs.mkdirSync(at);
    else fs.writeFileSync(at, 'not a folder\n');
  }
  const outside: string[] = [];
  for (const link of spec.symlinks ?? []) {
    const dir = tempDir();
    outside.push(dir);
    const at = path.join(project.root, link.at);
    let target = dir;
    if (link.copyOf !== undefined) {
      const source = path.join(project.root, link.copyOf);
      if (fs.statSync(source).isDirectory()) fs.cpSync(source, dir, { recursive: true, preserveTimestamps: true });
      else fs.cpSync(source, (target = path.join(dir, path.basename(source))), { preserveTimestamps: true });
    }
    fs.rmSync(at, { recursive: true, force: true });
    fs.symlinkSync(target, at);
  }
  return { root: project.root, outside };
}

describe('bad-input corpus', () => {
  const cases = fs.readdirSync(CORPUS).sort();
  // tempDir (helpers.ts) adds an exit listener for each folder it makes: a few per case.
  process.setMaxListeners(cases.length * 4);

  before(async () => {
    const template = tempProject(GOOD_ENVIRONMENTS);
    const result = await runCli(['synth'], template.root);
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual([...snapshotTree(template.dist).keys()].sort(), ['namespaces/dev.yaml', 'namespaces/stg.yaml', 'releases/dev.yaml', 'releases/stg.yaml']);
    goodDist = template.dist;
  });

  it('has at least 35 cases, each with case.json', () => {
    assert.ok(cases.length >= 35, String(cases.length));
    for (const name of cases) assert.ok(fs.existsSync(path.join(CORPUS, name, 'case.json')), name);
  });

  // Two cores: three CLI processes at a time keep both busy.
  describe('each case', { concurrency: 3 }, () => {
    for (const name of cases) {
      const spec = JSON.parse(fs.readFileSync(path.join(CORPUS, name, 'case.json'), 'utf8')) as Case;
      it(`${name}: ${spec.about}`, async () => {
        // GIVEN the project, as a good synth left it, with the case's files
        const { root, outside } = await setUp(name, spec);
        const before = snapshot(root);
        const outsideBefore = outside.map(snapshot);

        // WHEN synth runs
        const result = await runCli(['synth', ...(spec.args ?? [])], root, spec.timeoutMs);
        assert.equal(result.signal, null, `synth did not finish in ${spec.timeoutMs ?? 20_000} ms`);

        if (spec.valid) {
          // THEN (valid input) it writes, and the data reads back exactly in YAML 1.2 and in go-yaml v2
          assert.equal(result.status, 0, result.stderr);
          const file = path.join(root, 'dist', spec.valid.file);
          const expected = { values: spec.valid.values, labels: spec.valid.labels, annotations: spec.valid.annotations };
          const pick = (doc: any) => ({ values: doc.spec.values, labels: doc.metadata.labels, annotations: doc.metadata.annotations });
          assert.deepEqual(pick(parseAllDocuments(fs.readFileSync(file, 'utf8'))[0].toJS()), expected);
          if (!skipGoYaml()) assert.deepEqual(pick(goYamlDecodeFiles([file])[0][0]), expected);
          return;
        }

        // THEN it fails with exit 2, saying where, what and how to fix it
        assert.equal(result.status, 2, `exit ${result.status}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`);
        const wrong = problemMismatches(result.stderr, spec.problems ?? []);
        for (const text of spec.mentions ?? []) if (!result.stderr.includes(text)) wrong.push(`no mention of "${text}"`);
        // Messages show paths as the project does, never where this machine keeps it.
        if (result.stderr.includes(root)) wrong.push('stderr shows the absolute path of the project');
        assert.deepEqual(wrong, [], `stderr:\n${result.stderr}`);
        assert.equal(result.stdout, '');
        // AND it changed nothing, not even briefly, inside the project or where its links lead
        assert.deepEqual(snapshot(root), before);
        outside.forEach((dir, i) => assert.deepEqual(snapshot(dir), outsideBefore[i]));
        assert.deepEqual([root, ...outside].flatMap(temporaryFiles), []);
      });
    }
  });
});
