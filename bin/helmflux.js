#!/usr/bin/env node
'use strict';
// The helmflux command. The compiled library lives in lib/ (built by `npm ci`
// through the `prepare` script, or `npm run build`). Exit codes: 0 success,
// 1 reserved for drift, 2 invalid input or usage, 3 internal error.

function internalError(err) {
  process.stderr.write(`helmflux: internal error: ${err && err.stack ? err.stack : err}\n`);
  process.stderr.write('This is a bug in helmflux: please report it with the command you ran.\n');
  // The one process.exit: an error after main() returned (a worker thread, a stray callback) must still exit 3, never 1.
  process.exit(3);
}
process.on('uncaughtException', internalError);
process.on('unhandledRejection', internalError);

let code;
try {
  code = require('../lib/src/cli/main').main(process.argv.slice(2));
} catch (err) {
  internalError(err);
}
process.exitCode = code;
