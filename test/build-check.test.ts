import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { checkBuildIsCurrent } from '../src/load/build-check';
import { formatProblem, InputError } from '../src/problems';
import { tempDir } from './helpers';

describe('checkBuildIsCurrent', () => {
  it('passes when lib/ is newer than every source, and names each source changed since', () => {
    // GIVEN a built installation
    const root = tempDir();
    fs.mkdirSync(path.join(root, 'src'));
    fs.mkdirSync(path.join(root, 'lib'));
    fs.writeFileSync(path.join(root, 'src', 'settings.ts'), 'export const settings = {};\n');
    fs.writeFileSync(path.join(root, 'lib', 'build-id'), 'x\n');
    const old = new Date(Date.now() - 60_000);
    fs.utimesSync(path.join(root, 'src', 'settings.ts'), old, old);
    assert.doesNotThrow(() => checkBuildIsCurrent(root));
    // WHEN a source changes after the build THEN it is named, with the fix
    fs.writeFileSync(path.join(root, 'src', 'settings.ts'), 'export const settings = { a: 1 };\n');
    fs.utimesSync(path.join(root, 'src', 'settings.ts'), new Date(), new Date(Date.now() + 1000));
    assert.throws(
      () => checkBuildIsCurrent(root),
      (err: unknown) =>
        err instanceof InputError &&
        err.problems.map(formatProblem).join('\n') ===
          'src/settings.ts: (build): changed after helmflux was last built (lib/ is older). Run `npm run build` (`npm ci` does it too), then run the command again.',
    );
  });

  it('does nothing for an installation without a build id', () => {
    assert.doesNotThrow(() => checkBuildIsCurrent(tempDir()));
  });
});
