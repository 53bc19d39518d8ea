/**
 * The bad-input corpus (test/fixtures/bad-input/<case>/): each case is an
 * environments folder (plus case.json: extra CLI arguments, the message
 * fragments expected, and what to set up). Through the real CLI, every case
 * exits 2, names the file, the field and the fix, and leaves the project
 * byte-identical (dist/ included, mtimes too) with no temporary file behind.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { BIN, REPO, snapshotTree, tempDir, tempProject } from './helpers';

interface Case {
  readonly args: string[];
  readonly expect: string[];
  /** Make `<project>/<name>` a symbolic link to a folder outside the project. */
  readonly symlinkOut?: string;
  /** Replace this dist/ file with a hand-written one helmflux does not own (no header). */
  readonly foreignFile?: string;
}

const CORPUS = path.join(REPO, 'test', 'fixtures', 'bad-input');

function runCliAsync(args: string[], cwd: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

/** dist/ as a synth of the seed left it: something to lose. */
function populateDist(dist: string): void {
  fs.cpSync(path.join(REPO, 'dist'), dist, { recursive: true, preserveTimestamps: true });
}

function temporaryFiles(dir: string): string[] {
  return [...snapshotTree(dir).keys()].filter((p) => p.endsWith('.helmflux-tmp'));
}

describe('bad-input corpus', { concurrency: 4 }, () => {
  const cases = fs.readdirSync(CORPUS).sort();

  it('has at least 30 cases', () => assert.ok(cases.length >= 30, String(cases.length)));

  for (const name of cases) {
    it(name, async () => {
      const spec = JSON.parse(fs.readFileSync(path.join(CORPUS, name, 'case.json'), 'utf8')) as Case;
      // GIVEN a project with the case's environments and a populated dist/
      const project = tempProject({});
      fs.cpSync(path.join(CORPUS, name, 'environments'), project.environments, { recursive: true });
      populateDist(project.dist);
      let outside: string | undefined;
      if (spec.symlinkOut) {
        outside = tempDir();
        populateDist(outside);
        fs.symlinkSync(outside, path.join(project.root, spec.symlinkOut), 'dir');
      }
      if (spec.foreignFile) fs.writeFileSync(path.join(project.dist, spec.foreignFile), 'hand: written\n');
      const before = snapshotTree(project.root);
      const outsideBefore = outside && snapshotTree(outside);
      // WHEN synth runs
      const result = await runCliAsync(['synth', ...spec.args], project.root);
      // THEN it fails with exit 2, saying what and where, and changes nothing
      assert.equal(result.status, 2, result.stderr);
      for (const fragment of spec.expect) assert.ok(result.stderr.includes(fragment), `expected:\n${fragment}\nin:\n${result.stderr}`);
      assert.match(result.stderr, /nothing was written\.\n$/);
      assert.deepEqual(snapshotTree(project.root), before);
      if (outside) assert.deepEqual(snapshotTree(outside), outsideBefore);
      assert.deepEqual(temporaryFiles(project.root), []);
    });
  }
});

describe('keys with dots, slashes and a leading $', () => {
  it('are valid and round-trip exactly', async () => {
    const project = tempProject({
      'dev.ts': `import { defineEnvironment } from 'helmflux';
export default defineEnvironment({
  namespace: { name: 'develop' },
  releases: [{
    name: 'web',
    chart: { git: 'git@github.com:org/charts', path: 'web', ref: 'main' },
    values: { ingress: { annotations: { 'kubernetes.io/ingress.class': 'nginx', 'nginx.ingress.kubernetes.io/rewrite-target': '/' } }, 'a/b': { $schema: 'x', '.hidden': true } },
  }],
});
`,
    });
    const result = await runCliAsync(['synth'], project.root);
    assert.equal(result.status, 0, result.stderr);
    const text = fs.readFileSync(path.join(project.dist, 'releases', 'dev.yaml'), 'utf8');
    const YAML = await import('yaml');
    assert.deepEqual(YAML.parseAllDocuments(text)[0].toJS().spec.values, {
      ingress: { annotations: { 'kubernetes.io/ingress.class': 'nginx', 'nginx.ingress.kubernetes.io/rewrite-target': '/' } },
      'a/b': { $schema: 'x', '.hidden': true },
    });
  });
});
