/**
 * YAML safety: whatever string, number or structure a definition holds, the
 * emitted YAML reads back as exactly that data under YAML 1.2 (the `yaml`
 * package) and YAML 1.1 (go-yaml v2, the parser of Flux v1 and the Helm
 * operator).
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import * as YAML from 'yaml';
import { toYamlDocument, type JsonValue } from '../src/output/yaml';
import { goYamlDecode, goYamlDecodeFiles, skipGoYaml } from './goyaml';
import { REPO } from './helpers';

/** Strings YAML 1.1 or 1.2 would read as something else, or that need care. */
const TRICKY_STRINGS = [
  'on', 'off', 'On', 'OFF', 'yes', 'no', 'Yes', 'NO', 'y', 'n', 'Y', 'N', 'true', 'false', 'True', 'FALSE',
  '~', 'null', 'Null', 'NULL', '0777', '0o17', '0x1F', '0b101', '1e3', '1_000', '1:20', '190:20:30', '.inf', '-.Inf', '+.INF', '.nan', '.NaN',
  '2020-05-24', '2020-05-24T12:30:00Z', '12:30', '-1', '+1', '1.5', '.5', '5.', '1,000', '<<', '=', '-', '--', '---', '...', '?', ':', '#', '@', '`', '!', '&', '*', '|', '>', '%', "'", '"',
  '', ' ', ' lead', 'trail ', '\tab', 'a: b', 'a:b', 'a #b', 'a#b', '# comment', 'key:', '- item', '[a]', '{a}', 'a, b', 'it\'s', 'say "hi"', 'back\\slash', 'C:\\path\\',
  'multi\nline', 'multi\nline\n', 'two trailing\n\n', '\nleading newline', 'line\n  indented\n', 'empty\n\nline', 'trailing space \nline', 'crlf\r\nline', 'tab\tinside',
  'control\u0001char', 'del\u007f', 'nel\u0085', 'line sep\u2028', 'bom\ufeff', 'emoji 🚀', 'non-BMP 𝔘𝔫𝔦', 'ünïcödé', 'kubernetes.io/ingress.class', 'glob:v*', '$schema', 'a/b',
  'x'.repeat(10_000),
];

const NUMBERS = [0, -0, 1, -3, 1.5, -0.25, 1e21, 1e-7, 2 ** 53, 123456789012, 0.1];

function roundTrip12(text: string): unknown {
  return YAML.parse(text);
}

describe('toYamlDocument', () => {
  it('quotes what YAML 1.1 would misread, exactly as documented', () => {
    const text = toYamlDocument({ a: 'on', b: '0777', c: '2020-05-24', d: 'true', e: '~', f: 'plain text', g: 'glob:v*', 'fluxcd.io/automated': 'true', on: 'x' });
    assert.equal(
      text,
      ['a: "on"', 'b: "0777"', 'c: "2020-05-24"', 'd: "true"', 'e: "~"', 'f: plain text', 'g: glob:v*', 'fluxcd.io/automated: "true"', '"on": x', ''].join('\n'),
    );
  });

  it('writes multi-line strings as literal blocks when they round-trip, else double-quoted', () => {
    assert.equal(toYamlDocument({ a: 'one\ntwo\n' }), 'a: |\n  one\n  two\n');
    assert.equal(toYamlDocument({ a: 'one\n\ntwo' }), 'a: |-\n  one\n\n  two\n');
    assert.equal(toYamlDocument({ a: 'trailing \nspace' }), 'a: "trailing \\nspace"\n');
    assert.equal(toYamlDocument({ a: ' lead\nx' }), 'a: " lead\\nx"\n');
  });

  it('never folds a long line', () => {
    const long = 'word '.repeat(2000).trim();
    assert.equal(toYamlDocument({ long }), `long: ${long}\n`);
  });

  it('writes empty collections, nested sequences and sequences of mappings', () => {
    assert.equal(
      toYamlDocument({ e: {}, l: [], nested: [[1, 2], [], [{}]], items: [{ name: 'a', value: [1] }, 'x'] }),
      ['e: {}', 'l: []', 'nested:', '  - - 1', '    - 2', '  - []', '  - - {}', 'items:', '  - name: a', '    value:', '      - 1', '  - x', ''].join('\n'),
    );
  });

  it('reads back as the same data under YAML 1.2 and YAML 1.1 (go-yaml v2)', (t) => {
    const documents: JsonValue[] = [
      // Keys are limited to 1,024 characters as written (validation enforces it), values are not.
      ...TRICKY_STRINGS.map((s): JsonValue => (s.length > 1000 ? { value: s, list: [s] } : { value: s, [s]: 'as key', list: [s, { [s]: [s] }] })),
      { ['k'.repeat(1024)]: 'the longest key' },
      ...NUMBERS.map((n): JsonValue => ({ n, list: [n, -n] })),
      { t: true, f: false, nil: null, e: {}, l: [], deep: { a: [[[]], [{ b: [null, true, 'x'] }]] } },
    ];
    const texts = documents.map((d) => toYamlDocument(d));
    // JSON drops -0 to 0, as both YAML parsers do.
    const expected = documents.map((d) => JSON.parse(JSON.stringify(d)));
    texts.forEach((text, i) => assert.deepEqual(roundTrip12(text), expected[i], `YAML 1.2:\n${text}`));
    const skip = skipGoYaml();
    if (skip) return t.skip(skip);
    const decoded = goYamlDecode(texts);
    texts.forEach((text, i) => assert.deepEqual(decoded[i], [expected[i]], `go-yaml v2:\n${text}`));
  });

  it('the committed dist/ reads the same under go-yaml v2 as under YAML 1.2', (t) => {
    const skip = skipGoYaml();
    if (skip) return t.skip(skip);
    const files = ['namespaces', 'releases'].flatMap((kind) =>
      fs.readdirSync(path.join(REPO, 'dist', kind)).map((f) => path.join(REPO, 'dist', kind, f)),
    );
    const decoded = goYamlDecodeFiles(files);
    files.forEach((file, i) => {
      const yaml12 = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS());
      assert.deepEqual(decoded[i], yaml12, file);
      assert.ok(decoded[i].length >= 1, file);
    });
  });
});
