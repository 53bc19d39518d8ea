#!/usr/bin/env node
'use strict';
// The helmflux command. The compiled library lives in lib/ (built by `npm ci`
// through the `prepare` script, or `npm run build`).
let code;
try {
  code = require('../lib/src/cli/main').main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`helmflux: internal error: ${err && err.stack ? err.stack : err}\n`);
  code = 3;
}
process.exitCode = code;
