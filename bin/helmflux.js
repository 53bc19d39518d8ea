#!/usr/bin/env node
'use strict';
// The helmflux command. The compiled library lives in lib/ (built by `npm ci`
// through the `prepare` script, or `npm run build`). Exit codes: 0 success,
// 1 drift (check), 2 invalid input or usage, 3 internal error.
const fs = require('node:fs');
const path = require('node:path');

function internalError(err) {
  process.stderr.write(`helmflux: internal error: ${err && err.stack ? err.stack : err}\n`);
  process.stderr.write('This is a bug in helmflux: please report it with the command you ran.\n');
  // The one process.exit for errors: an error after main() returned (a worker thread, a stray callback) must still exit 3, never 1.
  process.exit(3);
}
process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);
// A reader that stops early (`helmflux list | head -2`) closes the pipe: that is not an error.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => (err && err.code === 'EPIPE' ? process.exit(0) : internalError(err)));
}

// The build writes lib/build-id last: without it, lib/ is missing or half built.
const lib = path.join(__dirname, '..', 'lib');
if (!fs.existsSync(path.join(lib, 'build-id'))) {
  process.stderr.write(
    `helmflux: ${fs.existsSync(lib) ? 'lib/ is only partly built' : 'lib/ is missing: helmflux is not built'}. ` +
      'Run `npm ci` (it builds helmflux), or `npm run build`, then run the command again.\n',
  );
  process.exit(2);
}

let code;
let cli;
try {
  cli = require('../lib/src/cli/main');
  code = cli.main(process.argv.slice(2));
} catch (err) {
  internalError(err);
}
// Done: end now, whatever an environment file left scheduled (a timer, a
// promise). stdout and stderr are synchronous for files, pipes and terminals
// on POSIX, so nothing printed is lost. null: the command keeps running
// (--watch), or finishes later (chart import) and then exits with its code.
if (code !== null) process.exit(code);
else {
  const done = cli.whenDone();
  if (done) done.then((c) => process.exit(c), internalError);
}
