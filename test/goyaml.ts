/**
 * go-yaml v2, the YAML 1.1 parser Flux v1 and the Helm operator use, for
 * tests: test/goyaml/main.go built once per test process from Debian's
 * golang-go and golang-gopkg-yaml.v2-dev (offline, GOPATH mode).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO } from './helpers';

const GOPATH = '/usr/share/gocode';

/** Why go-yaml cannot be used here, or undefined when it can. */
export function goYamlMissing(): string | undefined {
  if (spawnSync('go', ['version']).status !== 0) return 'go is not installed';
  if (!fs.existsSync(path.join(GOPATH, 'src', 'gopkg.in', 'yaml.v2'))) return 'gopkg.in/yaml.v2 is not installed';
  return undefined;
}

/**
 * Whether to skip go-yaml tests: only outside CI, when the packages are
 * missing. In CI (CI=true) a missing go-yaml fails the tests instead.
 */
export function skipGoYaml(): string | false {
  const missing = goYamlMissing();
  if (missing === undefined) return false;
  if (process.env.CI) throw new Error(`${missing}: install Debian's golang-go and golang-gopkg-yaml.v2-dev (.ci/run does)`);
  return `${missing} (apt-get install golang-go golang-gopkg-yaml.v2-dev)`;
}

let binary: string | undefined;

function build(): string {
  if (binary) return binary;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helmflux-goyaml-'));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const out = path.join(dir, 'goyaml');
  execFileSync('go', ['build', '-o', out, '.'], {
    cwd: path.join(REPO, 'test', 'goyaml'),
    env: { ...process.env, GO111MODULE: 'off', GOPATH, GOFLAGS: '', GOPROXY: 'off', GOCACHE: path.join(dir, 'cache') },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  binary = out;
  return out;
}

type Typed =
  | { null: true }
  | { bool: boolean }
  | { str: string }
  | { int: string }
  | { float: number }
  | { seq: Typed[] }
  | { map: [string, Typed][] }
  | { unknown: string };

/** Back to a JavaScript value; a non-string key or an unknown type shows up as a marker string. */
function untype(t: Typed): unknown {
  if ('null' in t) return null;
  if ('bool' in t) return t.bool;
  if ('str' in t) return t.str;
  if ('int' in t) return Number(t.int);
  if ('float' in t) return t.float;
  if ('seq' in t) return t.seq.map(untype);
  if ('map' in t) return Object.fromEntries(t.map.map(([k, v]) => [k, untype(v)]));
  return `!unknown ${t.unknown}`;
}

/** Decodes YAML files with go-yaml v2: one array of documents per file. */
export function goYamlDecodeFiles(files: readonly string[]): unknown[][] {
  const out = execFileSync(build(), [...files], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return out.trimEnd().split('\n').map((line) => (JSON.parse(line) as Typed[]).map(untype));
}

/** Decodes YAML texts with go-yaml v2, in one go-yaml run: one array of documents per text. */
export function goYamlDecode(texts: readonly string[]): unknown[][] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'helmflux-goyaml-in-'));
  try {
    const files = texts.map((text, i) => {
      const file = path.join(dir, `${i}.yaml`);
      fs.writeFileSync(file, text);
      return file;
    });
    return goYamlDecodeFiles(files);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
