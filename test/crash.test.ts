/**
 * Crash safety, in small: scripts/crash-harness.js kills synth during its
 * write phase and checks dist/ after each kill and after the next synth.
 * `npm run crash-test` runs the full 50 kills over 2,000 environments.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './helpers';

describe('crash safety', () => {
  it('leaves dist/ consistent after SIGKILLs during writes, and the next synth completes it', () => {
    const result = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'crash-harness.js'), '--runs', '6', '--envs', '400', '--seed', '7'], {
      encoding: 'utf8',
    });
    assert.equal(result.status, 0, result.stderr);
    assert.match(result.stdout, /^crash-harness: 6 runs over 400 environments \(write phase \d+ ms\), \d+ killed while writing, \d+ finished first; dist\/ was consistent after every kill and complete after every rerun$/m);
  });
});
