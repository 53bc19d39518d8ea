/**
 * Reads a packaged chart (`helm package`'s `.tgz`: a gzipped tar) into its
 * files, bounded: inflated size, entry count and one file's size are capped
 * (`CHART_LIMITS`), and only regular files are returned. Paths are checked:
 * an absolute path or one with `..` is refused, never resolved.
 */
import { gunzipSync } from 'node:zlib';

/** Limits on what a chart may make helmflux read. */
export const CHART_LIMITS = {
  /** Bytes of one file read. */
  fileBytes: 8 * 1024 * 1024,
  /** Bytes of a packaged chart, compressed. */
  archiveBytes: 64 * 1024 * 1024,
  /** Bytes of a packaged chart once inflated (or of a vendored chart folder). */
  inflatedBytes: 256 * 1024 * 1024,
  /** Entries of a packaged chart (or files of a vendored chart folder). */
  entries: 20_000,
  /** Folder depth of a vendored chart. */
  depth: 32,
} as const;

export const MIB = 1024 * 1024;

/** What is wrong with a chart source, and the file at fault (the source, or a file in it). */
export class ChartSourceError extends Error {
  public constructor(
    public readonly file: string,
    message: string,
  ) {
    super(message);
  }
}

/** One regular file of an archive: its path (`/`-separated, no `.` or `..` parts) and bytes. */
export interface ArchiveFile {
  readonly path: string;
  readonly body: Buffer;
  readonly executable: boolean;
}

/** The regular files of a `.tgz`, in archive order; throws a ChartSourceError past a limit or on a path that leaves the archive. */
export function untarGz(bytes: Buffer, source: string): ArchiveFile[] {
  if (bytes.length > CHART_LIMITS.archiveBytes) throw new ChartSourceError(source, `is ${Math.ceil(bytes.length / MIB)} MiB, over the ${CHART_LIMITS.archiveBytes / MIB} MiB helmflux reads of a packaged chart`);
  let tar: Buffer;
  try {
    tar = gunzipSync(bytes, { maxOutputLength: CHART_LIMITS.inflatedBytes });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || /Cannot create a Buffer larger|maxOutputLength/i.test((err as Error).message)) {
      throw new ChartSourceError(source, `inflates to more than ${CHART_LIMITS.inflatedBytes / MIB} MiB, over what helmflux reads of a packaged chart`);
    }
    throw new ChartSourceError(source, `is neither a folder nor a gzipped tar (.tgz) of a chart`);
  }
  const files: ArchiveFile[] = [];
  let entries = 0;
  let longName: string | undefined;
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) break;
    if (++entries > CHART_LIMITS.entries) throw new ChartSourceError(source, `holds more than ${CHART_LIMITS.entries} entries, over what helmflux reads of a packaged chart`);
    const field = (start: number, length: number) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    if (!Number.isFinite(size) || size < 0) throw new ChartSourceError(source, `is not a tar archive helmflux can read (an entry's size is unreadable)`);
    const mode = parseInt(field(100, 8).trim() || '0', 8);
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
    if (type === '1' || type === '2') throw new ChartSourceError(`${source}:${name}`, 'is a link; a packaged chart holds regular files only (helm package writes no links)');
    if (type !== '0' && type !== '\0') continue;
    const parts = name.split('/').filter((p) => p !== '' && p !== '.');
    if (name.startsWith('/') || parts.includes('..')) throw new ChartSourceError(`${source}:${name}`, 'leaves the archive (an absolute path or ".."): never extracted');
    if (parts.length > CHART_LIMITS.depth) throw new ChartSourceError(`${source}:${name}`, `is nested deeper than ${CHART_LIMITS.depth} folders`);
    if (size > CHART_LIMITS.fileBytes) throw new ChartSourceError(`${source}:${name}`, `is ${Math.ceil(size / MIB)} MiB, over the ${CHART_LIMITS.fileBytes / MIB} MiB helmflux reads of one chart file`);
    files.push({ path: parts.join('/'), body: Buffer.from(body), executable: (mode & 0o111) !== 0 });
  }
  return files;
}
