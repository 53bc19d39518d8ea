/**
 * The objects of a set of manifest files, each known by what Kubernetes knows
 * it by: apiVersion, kind, namespace and name. Key order, quoting, comments
 * and the header are gone once parsed, so they never show as changes.
 */
import { MAX_ALIASES, lineAt, parseDocuments } from '../output/read';

/** One object of a manifest file. */
export interface ManifestObject {
  /** `apiVersion|kind|namespace|name`: the same object in two versions has the same identity. */
  readonly identity: string;
  readonly apiVersion: string;
  readonly kind: string;
  /** Empty for a cluster-wide object (a Namespace). */
  readonly namespace: string;
  readonly name: string;
  /** The file it is in, relative to the output folder. */
  readonly file: string;
  /** The whole object, as JSON data. */
  readonly data: Record<string, unknown>;
}

/** A file that could not be read as manifests. */
export interface UnreadableFile {
  readonly file: string;
  /** 1-based line of the first problem. */
  readonly line: number;
  readonly reason: string;
}

/** Parses files (relative path -> text) into their objects, in file order; files that are not YAML or JSON manifests are reported. */
export function readManifests(files: ReadonlyMap<string, string>): { objects: ManifestObject[]; unreadable: UnreadableFile[] } {
  const objects: ManifestObject[] = [];
  const unreadable: UnreadableFile[] = [];
  for (const [file, text] of files) {
    // A kustomization.yaml is the folder's build file (which files Flux applies), not an object: its change shows as the file's.
    if (file === 'kustomization.yaml' || file.endsWith('/kustomization.yaml')) continue;
    // YAML 1.1, as Flux v1 reads it (go-yaml v2): `on` is a boolean there.
    // A file with a broken document (or git's conflict markers) is left out whole: reading only part of it would report its other objects as removed.
    const parsed = parseDocuments(text);
    if (!('documents' in parsed)) {
      unreadable.push({ file, line: parsed.line, reason: parsed.reason });
      continue;
    }
    const fileObjects: ManifestObject[] = [];
    let failed: { line: number; reason: string } | undefined;
    const fail = (document: (typeof parsed.documents)[number], reason: string) => ({ line: document.contents?.range ? lineAt(text, document.contents.range[0]) : 1, reason });
    for (const document of parsed.documents) {
      let data: unknown;
      try {
        data = document.toJS({ maxAliasCount: MAX_ALIASES }) as unknown;
      } catch (err) {
        failed = fail(document, `cannot be read: ${(err as Error).message.split('\n')[0]}`);
        break;
      }
      if (data === null || data === undefined) continue;
      if (typeof data !== 'object' || Array.isArray(data)) {
        failed = fail(document, 'a document is not a mapping');
        break;
      }
      const object = data as Record<string, unknown>;
      const metadata = (object.metadata ?? {}) as Record<string, unknown>;
      const field = (v: unknown) => (typeof v === 'string' ? v : '');
      const apiVersion = field(object.apiVersion);
      const kind = field(object.kind);
      const namespace = field(metadata.namespace);
      const name = field(metadata.name);
      if (kind === '' || name === '') {
        failed = fail(document, 'a document has no kind or metadata.name');
        break;
      }
      fileObjects.push({ identity: [apiVersion, kind, namespace, name].join('|'), apiVersion, kind, namespace, name, file, data: object });
    }
    if (failed !== undefined) unreadable.push({ file, ...failed });
    else objects.push(...fileObjects);
  }
  return { objects, unreadable };
}
