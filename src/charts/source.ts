/**
 * Reads the files `chart import` needs from a chart folder or a packaged
 * chart (`helm package`'s `.tgz`: a gzipped tar whose files sit under one
 * top folder, `<chart>/Chart.yaml`), offline.
 *
 * A chart is untrusted data: only regular files are read (a FIFO or device
 * would block), a symbolic link only when it stays inside the chart folder,
 * and files, archives, their inflated size and entry count are bounded.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHART_LIMITS, ChartSourceError, MIB, untarGz } from './tar';

export { CHART_LIMITS, ChartSourceError } from './tar';

/** The chart files `chart import` reads (undefined: the chart has none). */
export interface ChartFiles {
  /** What was read, as the user gave it. */
  readonly source: string;
  readonly chartYaml: string;
  readonly valuesYaml?: string;
  readonly valuesSchemaJson?: string;
}

const WANTED = ['Chart.yaml', 'values.yaml', 'values.schema.json'] as const;

/** Reads a chart folder or `.tgz`; throws an Error saying what is missing or refused. */
export function readChart(source: string, cwd: string): ChartFiles {
  const full = path.resolve(cwd, source);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(full);
  } catch {
    throw new ChartSourceError(source, `no such chart folder or .tgz file`);
  }
  const files = new Map<string, string>();
  if (stat.isDirectory()) {
    const top = fs.realpathSync(full);
    for (const name of WANTED) {
      const text = readChartFile(top, name, source);
      if (text !== undefined) files.set(name, text);
    }
  } else if (stat.isFile()) {
    if (stat.size > CHART_LIMITS.archiveBytes) throw new ChartSourceError(source, `is ${Math.ceil(stat.size / MIB)} MiB, over the ${CHART_LIMITS.archiveBytes / MIB} MiB helmflux reads of a packaged chart`);
    for (const [name, text] of readTarGz(fs.readFileSync(full), source)) files.set(name, text);
  } else {
    throw new ChartSourceError(source, `is neither a folder nor a regular file (a FIFO, socket or device is never read)`);
  }
  const chartYaml = files.get('Chart.yaml');
  if (chartYaml === undefined) throw new ChartSourceError(source, `has no Chart.yaml, so it is not a Helm chart`);
  return { source, chartYaml, valuesYaml: files.get('values.yaml'), valuesSchemaJson: files.get('values.schema.json') };
}

/** One file of a chart folder (`top`: its real path): a regular file inside it, or undefined when absent. */
function readChartFile(top: string, name: string, source: string): string | undefined {
  const file = path.join(top, name);
  let link: fs.Stats;
  try {
    link = fs.lstatSync(file);
  } catch {
    return undefined;
  }
  let real = file;
  if (link.isSymbolicLink()) {
    try {
      real = fs.realpathSync(file);
    } catch (err) {
      throw new ChartSourceError(`${source}/${name}`, `is a symbolic link that cannot be followed (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
    }
    const inside = path.relative(top, real);
    if (inside.startsWith('..') || path.isAbsolute(inside)) throw new ChartSourceError(`${source}/${name}`, `is a symbolic link to ${real}, outside the chart folder (never read: it would copy that file into the repository)`);
  }
  const stat = fs.statSync(real);
  if (!stat.isFile()) throw new ChartSourceError(`${source}/${name}`, `is not a regular file (a FIFO, socket, device or folder is never read)`);
  if (stat.size > CHART_LIMITS.fileBytes) throw new ChartSourceError(`${source}/${name}`, `is ${Math.ceil(stat.size / MIB)} MiB, over the ${CHART_LIMITS.fileBytes / MIB} MiB helmflux reads of one chart file`);
  return fs.readFileSync(real, 'utf8');
}

/** The wanted files at the top folder of a packaged chart (subcharts under `charts/` are not read). */
function readTarGz(bytes: Buffer, source: string): Map<string, string> {
  const found = new Map<string, string>();
  let atRoot = false;
  for (const file of untarGz(bytes, source)) {
    const parts = file.path.split('/');
    if (parts.length === 1 && parts[0] === 'Chart.yaml') atRoot = true;
    if (parts.length === 2 && (WANTED as readonly string[]).includes(parts[1])) found.set(parts[1], file.body.toString('utf8'));
  }
  if (found.size === 0 && atRoot) throw new ChartSourceError(source, `holds Chart.yaml at the archive's root, not in a top folder (<chart>/Chart.yaml) as helm package writes it: package the chart with helm package, or import its folder`);
  if (found.size === 0) throw new ChartSourceError(source, `holds no Chart.yaml at its top folder`);
  return found;
}
