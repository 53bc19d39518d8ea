/**
 * Refuses to run a stale build: helmflux runs from lib/, compiled from src/
 * and schemas/. Without this check, an edit there (by someone working on
 * helmflux itself) would be silently ignored until the next `npm run build`.
 * Users' files (environments, `common/`, the settings file) are never
 * compiled, so they never need a build.
 *
 * Only applies where the sources sit next to lib/ (this repository): an
 * installed helmflux has no src/.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InputError } from '../problems';

/** This installation: this file is lib/src/load/build-check.js. */
const PACKAGE_ROOT = path.resolve(__dirname, '..', '..', '..');

/** Throws an InputError naming the source files changed after lib/ was built. */
export function checkBuildIsCurrent(root = PACKAGE_ROOT): void {
  const built = fs.statSync(path.join(root, 'lib', 'build-id'), { throwIfNoEntry: false })?.mtimeMs;
  if (built === undefined) return;
  const changed: string[] = [];
  const walk = (dir: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) walk(full);
      else if (fs.statSync(full).mtimeMs > built) changed.push(path.relative(root, full).split(path.sep).join('/'));
    }
  };
  walk(path.join(root, 'src'));
  walk(path.join(root, 'schemas'));
  if (changed.length === 0) return;
  throw new InputError(
    changed.sort().map((file) => ({
      file,
      field: '(build)',
      message: 'changed after helmflux was last built (lib/ is older)',
      fix: 'Run `npm run build` (`npm ci` does it too), then run the command again.',
    })),
  );
}
