/**
 * Reads the files `chart import` needs from a chart folder or a packaged
 * chart (`helm package`'s `.tgz`: a gzipped tar whose files sit under one
 * top folder, `<chart>/Chart.yaml`), offline.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The chart files `chart import` reads (undefined: the chart has none). */
export interface ChartFiles {
  /** What was read, as the user gave it. */
  readonly source: string;
  readonly chartYaml: string;
  readonly valuesYaml?: string;
  readonly valuesSchemaJson?: string;
}

const WANTED = ['Chart.yaml', 'values.yaml', 'values.schema.json'] as const;

/** Reads a chart folder or `.tgz`; throws an Error saying what is missing. */
export function readChart(source: string, cwd: string): ChartFiles {
  const full = path.resolve(cwd, source);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch {
    throw new Error(`${source}: no such chart folder or .tgz file`);
  }
  const files = new Map<string, string>();
  if (stat.isDirectory()) {
    for (const name of WANTED) {
      const file = path.join(full, name);
      if (fs.existsSync(file)) files.set(name, fs.readFileSync(file, 'utf8'));
    }
  } else {
    for (const [name, text] of readTarGz(fs.readFileSync(full), source)) files.set(name, text);
  }
  const chartYaml = files.get('Chart.yaml');
  if (chartYaml === undefined) throw new Error(`${source}: has no Chart.yaml, so it is not a Helm chart`);
  return { source, chartYaml, valuesYaml: files.get('values.yaml'), valuesSchemaJson: files.get('values.schema.json') };
}

/** The wanted files at the top folder of a packaged chart (subcharts under `charts/` are not read). */
function readTarGz(bytes: Buffer, source: string): Map<string, string> {
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes);
  } catch {
    throw new Error(`${source}: is neither a folder nor a gzipped tar (.tgz) of a chart`);
  }
  const found = new Map<string, string>();
  let longName: string | undefined;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = field(345, 155);
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'x') {
      // A pax header: its `path` record names the next entry.
      const match = /(?:^|\n)\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (match) longName = match[1];
      continue;
    }
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = undefined;
    if (type !== '0' && type !== '\0') continue;
    const parts = name.split('/').filter((p) => p !== '' && p !== '.');
    if (parts.length === 2 && (WANTED as readonly string[]).includes(parts[1])) found.set(parts[1], body.toString('utf8'));
  }
  if (found.size === 0) throw new Error(`${source}: holds no Chart.yaml at its top folder`);
  return found;
}
