/**
 * The CI workflow users get (.github/workflows/manifests.yml): a workflow
 * linter accepts it, every helmflux command it runs exists with the flags it
 * passes, the diff is built even when check fails (which still fails the
 * run), and the pull request gets one comment kept current, from the one job
 * allowed to write to pull requests.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO, runCli } from './helpers';

interface Step {
  name?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
  uses?: string;
  'continue-on-error'?: unknown;
}

interface Workflow {
  on: Record<string, unknown>;
  permissions?: Record<string, string>;
  jobs: Record<string, { needs?: string; if?: string; permissions?: Record<string, string>; steps: Step[] }>;
}

const FILE = path.join(REPO, '.github', 'workflows', 'manifests.yml');

describe('the manifests workflow', () => {
  const workflow = parse(fs.readFileSync(FILE, 'utf8')) as Workflow;
  const steps = workflow.jobs.manifests.steps;

  it('is valid for a workflow linter (@action-validator/cli)', () => {
    const result = spawnSync(process.execPath, [path.join(REPO, 'node_modules', '@action-validator', 'cli', 'cli.mjs'), FILE], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stdout + result.stderr);
    // And the linter does refuse a broken one, so its verdict means something.
    const broken = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'helmflux-wf-')), 'broken.yml');
    fs.writeFileSync(broken, 'name: x\non: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    stepz: []\n');
    assert.notEqual(spawnSync(process.execPath, [path.join(REPO, 'node_modules', '@action-validator', 'cli', 'cli.mjs'), broken]).status, 0);
  });

  it('runs on pull requests with the base branch fetched, and type-checks', () => {
    assert.ok('pull_request' in workflow.on);
    assert.equal(steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with?.['fetch-depth'], 0);
    assert.ok(steps.some((s) => s.run === 'npm run typecheck'));
  });

  it('fails on check, and builds the diff after a failed check without failing on exit 1', () => {
    const check = steps.findIndex((s) => s.run === 'npx helmflux check');
    assert.ok(check >= 0 && steps[check].if === undefined && steps[check]['continue-on-error'] === undefined, 'check is never made to pass');
    for (const step of steps.slice(check + 1)) assert.equal(step['continue-on-error'], undefined);
    const diff = steps.findIndex((s) => s.run?.includes('helmflux diff'));
    assert.ok(diff > check);
    // Not the implicit success(): the step runs after check failed.
    assert.equal(steps[diff].if, "${{ !cancelled() && github.event_name == 'pull_request' }}");
    assert.match(steps[diff].run!, /npx helmflux diff --base "\$base" --format markdown > diff\.md \|\| status=\$\?\n\s*if \[ "\$status" -gt 1 \]; then exit "\$status"; fi/);
    assert.match(steps[diff].run!, />> "\$GITHUB_STEP_SUMMARY"/);
    const upload = steps.find((s) => s.uses?.startsWith('actions/upload-artifact'));
    assert.equal(upload?.if, steps[diff].if);
    assert.match(String(upload?.with?.path), /diff\.json/);
  });

  it('posts one comment, updated in place, from the only job that may write to pull requests; skipped for forks', () => {
    assert.deepEqual(workflow.permissions, { contents: 'read' });
    assert.deepEqual(workflow.jobs.manifests.permissions, { contents: 'read' });
    const comment = workflow.jobs.comment;
    assert.equal(comment.needs, 'manifests');
    assert.deepEqual(comment.permissions, { contents: 'read', 'pull-requests': 'write' });
    assert.match(comment.if!, /github\.event\.pull_request\.head\.repo\.full_name == github\.repository/);
    assert.match(comment.if!, /!cancelled\(\)/);
    const script = String(comment.steps.find((s) => s.uses?.startsWith('actions/github-script'))?.with?.script);
    assert.match(script, /const marker = '<!-- helmflux-diff -->'/);
    assert.match(script, /updateComment/);
    assert.match(script, /createComment/);
    assert.match(script, /const limit = 65536/);
  });

  it('runs only commands and flags helmflux has', () => {
    for (const step of steps) {
      for (const match of (step.run ?? '').matchAll(/npx helmflux (\w+)((?: --[a-z-]+(?: "[^"]*"| [a-z]+)?)*)/g)) {
        const help = runCli([match[1], '--help']);
        assert.equal(help.status, 0, `helmflux ${match[1]} --help`);
        for (const flag of match[2].match(/--[a-z-]+/g) ?? []) assert.ok(help.stdout.includes(flag), `${match[1]} ${flag}`);
      }
    }
    // The bin npx runs is executable.
    assert.ok((fs.statSync(path.join(REPO, 'bin', 'helmflux.js')).mode & 0o111) !== 0);
  });
});
