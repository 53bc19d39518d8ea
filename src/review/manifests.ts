/**
 * The objects of a set of manifest files, each known by what Kubernetes knows
 * it by: apiVersion, kind, namespace and name. Key order, quoting, comments
 * and the header are gone once parsed, so they never show as changes.
 */
import { parseAllDocuments } from 'yaml';

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
    const documents = parseAllDocuments(text, { version: '1.1' });
    const list = Array.isArray(documents) ? documents : [documents];
    // A file with a broken document is left out whole: reading only part of it would report its other objects as removed.
    const broken = list.find((d) => d.errors.length > 0);
    if (broken) {
      unreadable.push({ file, reason: broken.errors[0].message.split('\n')[0] });
      continue;
    }
    const fileObjects: ManifestObject[] = [];
    let failed: string | undefined;
    for (const document of list) {
      let data: unknown;
      try {
        data = document.toJS({ maxAliasCount: 100 }) as unknown;
      } catch (err) {
        failed = (err as Error).message.split('\n')[0];
        break;
      }
      if (data === null || data === undefined) continue;
      if (typeof data !== 'object' || Array.isArray(data)) {
        failed = 'a document is not a mapping';
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
        failed = 'a document has no kind or metadata.name';
        break;
      }
      fileObjects.push({ identity: [apiVersion, kind, namespace, name].join('|'), apiVersion, kind, namespace, name, file, data: object });
    }
    if (failed !== undefined) unreadable.push({ file, reason: failed });
    else objects.push(...fileObjects);
  }
  return { objects, unreadable };
}
