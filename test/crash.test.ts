/**
 * Crash safety, in small: scripts/crash-harness.js kills synth with SIGKILL
 * during its write phase and checks dist/ after each kill and after the next
 * synth. `npm run crash-test` runs the full 50 kills over 2,000 environments.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { REPO } from './helpers';

describe('crash safety', () => {
  it('leaves dist/ consistent after SIGKILLs during writes, and the next synth completes it', () => {
    // GIVEN 400 environments changed so that synth rewrites, creates and removes files
    // WHEN 6 synths are killed (both ways of timing the kill; run 5 kills the resuming synth too)
    const result = spawnSync(process.execPath, [path.join(REPO, 'scripts', 'crash-harness.js'), '--runs', '6', '--envs', '400', '--seed', '7'], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    // THEN every check held
    assert.equal(result.status, 0, result.stderr);
    const summary = /^crash-harness: 6 runs over 400 environments \((\d+) files to write, (\d+) to remove; write phase \d+ ms\): (\d+) killed while writing \((\d+) timed from the first "wrote" line, (\d+) from the lock's creation; \d+ killed again while resuming\), (\d+) finished first; dist\/ held only old or new files after every kill and was exactly the uninterrupted result after every rerun$/m.exec(
      result.stdout,
    );
    assert.ok(summary, result.stdout);
    const [toWrite, toRemove, killed, byLine, byRecord, finished] = summary.slice(1).map(Number);
    // 400 environments: a third changed, a tenth added (two files each), a tenth removed (two files each).
    assert.deepEqual([toWrite, toRemove], [322, 80]);
    assert.equal(killed + finished, 6);
    assert.equal(byLine + byRecord, killed);
    // A harness whose kills all came too late would prove nothing.
    assert.ok(killed >= 2, `only ${killed} of 6 synths were killed while writing`);
  });
});
