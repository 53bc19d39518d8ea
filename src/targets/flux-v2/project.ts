/**
 * The project files of a Flux v2 output folder, assembled from what every
 * environment's files need (`RenderedFile.shared`): `flux/sources.yaml`
 * (each chart source once), `flux/image-automation.yaml` (each image's
 * ImageRepository once, and the ImageUpdateAutomation, when a release is automated), and `kustomization.yaml` listing every file of the folder, so a
 * Flux Kustomization (or `kubectl kustomize`) can point at it. Pure.
 */
import { compareCodePoints } from '../../order';
import { generatedFileText, headerSource, PROJECT_FILES, PROJECT_SOURCE, type RenderedFile } from '../../output/layout';
import { toYamlDocument } from '../../output/yaml';
import type { Problem } from '../../problems';
import { keyOrderV2 } from './key-order';

export function projectFilesV2(files: readonly RenderedFile[]): { files: RenderedFile[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const byFile = new Map<string, Map<string, { document: string; from: string }>>();
  for (const file of files) {
    for (const object of file.shared ?? []) {
      const objects = byFile.get(object.file) ?? new Map<string, { document: string; from: string }>();
      byFile.set(object.file, objects);
      const seen = objects.get(object.id);
      // Named by the environment files, which the user edits (the output files are helmflux's).
      const from = headerSource(file.text) ?? file.path;
      if (seen === undefined) objects.set(object.id, { document: object.document, from });
      else if (seen.document !== object.document) {
        problems.push({
          file: from,
          field: object.id,
          message: `needs ${object.id} other than ${seen.from} does, under the same name`,
          fix: 'Two different chart sources got one name, which only a hash collision of their identities can do: report it, and give one of them another URL form or ref meanwhile.',
        });
      }
    }
  }
  const out: RenderedFile[] = [];
  for (const path of [PROJECT_FILES.sources, PROJECT_FILES.imageAutomation]) {
    const objects = byFile.get(path);
    if (objects === undefined || objects.size === 0) continue;
    const documents = [...objects].sort(([a], [b]) => compareCodePoints(a, b)).map(([, o]) => o.document);
    out.push({ path, environment: '', text: generatedFileText(PROJECT_SOURCE, documents) });
  }
  out.push(kustomizationFile([...files.map((f) => f.path), ...out.map((f) => f.path)]));
  return { files: out, problems };
}

/** `kustomization.yaml` listing these files of the folder (relative paths), in code point order. */
export function kustomizationFile(paths: readonly string[]): RenderedFile {
  const resources = [...new Set(paths)].filter((p) => p !== PROJECT_FILES.kustomization).sort(compareCodePoints);
  const kustomization = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources };
  return { path: PROJECT_FILES.kustomization, environment: '', text: generatedFileText(PROJECT_SOURCE, [toYamlDocument(kustomization, keyOrderV2)]) };
}
