/**
 * The CI workflow users get (.github/workflows/manifests.yml) parses, and
 * every helmflux command it runs exists with the flags it passes.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { REPO, runCli } from './helpers';

interface Workflow {
  on: Record<string, unknown>;
  jobs: Record<string, { steps: { run?: string; if?: string; with?: Record<string, unknown>; uses?: string }[] }>;
}

describe('the manifests workflow', () => {
  const workflow = parse(fs.readFileSync(path.join(REPO, '.github', 'workflows', 'manifests.yml'), 'utf8')) as Workflow;
  const steps = workflow.jobs.manifests.steps;

  it('runs on pull requests with the base branch fetched', () => {
    assert.ok('pull_request' in workflow.on);
    assert.equal(steps.find((s) => s.uses?.startsWith('actions/checkout'))?.with?.['fetch-depth'], 0);
  });

  it('fails on check, runs diff only on pull requests without failing on exit 1', () => {
    const check = steps.find((s) => s.run === 'npx helmflux check');
    assert.ok(check && check.if === undefined);
    const diff = steps.find((s) => s.run?.includes('helmflux diff'))!;
    assert.equal(diff.if, "github.event_name == 'pull_request'");
    assert.match(diff.run!, /npx helmflux diff --base "origin\/\$\{\{ github\.base_ref \}\}" --format markdown >> "\$GITHUB_STEP_SUMMARY" \|\| status=\$\?/);
    assert.match(diff.run!, /if \[ "\$status" -gt 1 \]; then exit "\$status"; fi/);
  });

  it('runs only commands and flags helmflux has', () => {
    for (const step of steps) {
      for (const match of (step.run ?? '').matchAll(/npx helmflux (\w+)((?: --[a-z-]+)*)/g)) {
        const help = runCli([match[1], '--help']);
        assert.equal(help.status, 0, `helmflux ${match[1]} --help`);
        for (const flag of match[2].trim().split(/\s+/).filter(Boolean)) assert.ok(help.stdout.includes(flag), `${match[1]} ${flag}`);
      }
    }
    // The bin npx runs is executable.
    assert.ok((fs.statSync(path.join(REPO, 'bin', 'helmflux.js')).mode & 0o111) !== 0);
  });
});
