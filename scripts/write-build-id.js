#!/usr/bin/env node
// Build step (last): lib/build-id, a hash of everything that decides what
// helmflux renders: its compiled code and validators, and the versions of the
// packages it renders and loads with. The synth cache (src/engine/cache.ts) is only
// reused by the exact same build.
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const lib = path.join(root, 'lib');
const hash = crypto.createHash('sha256');

function walk(dir) {
  for (const name of fs.readdirSync(dir).sort()) {
    const full = path.join(dir, name);
    if (fs.statSync(full).isDirectory()) walk(full);
    else if (name.endsWith('.js')) hash.update(path.relative(lib, full) + '\0').update(fs.readFileSync(full)).update('\0');
  }
}
walk(path.join(lib, 'src'));
walk(path.join(lib, 'validators'));
for (const pkg of ['cdk8s', 'cdk8s-plus-27', 'constructs', 'sucrase']) {
  const { version } = require(path.join(root, 'node_modules', pkg, 'package.json'));
  hash.update(`${pkg}@${version}\0`);
}
fs.writeFileSync(path.join(lib, 'build-id'), hash.digest('hex') + '\n');
