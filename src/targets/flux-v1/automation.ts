/**
 * Flux v1's image automation, as its daemon reads rendered files: warnings
 * about settings that have no effect. (The filter and container rules every
 * layer shares are in `src/images/`.)
 */
import { parseAllDocuments } from 'yaml';
import { headerSource, type RenderedFile } from '../../output/layout';

/**
 * Warnings about rendered releases: a filter on a release that is not
 * automated has no effect (Flux does not update it). Read from the rendered
 * files, so cached environments are warned about too.
 */
export function automationWarnings(files: readonly RenderedFile[]): string[] {
  const warnings: string[] = [];
  for (const file of files) {
    if (!file.path.startsWith('releases/') || !file.text.includes('filter.fluxcd.io/')) continue;
    for (const document of parseAllDocuments(file.text, { version: '1.1' })) {
      const object = document.toJS() as { metadata?: { name?: string; annotations?: Record<string, string> } } | null;
      const annotations = object?.metadata?.annotations ?? {};
      if (annotations['fluxcd.io/automated'] === 'true') continue;
      for (const key of Object.keys(annotations).filter((k) => k.startsWith('filter.fluxcd.io/'))) {
        warnings.push(
          `${headerSource(file.text) ?? file.path}: release ${object?.metadata?.name}: ${key} has no effect: the release is not automated (flux.automated), so Flux does not update its images`,
        );
      }
    }
  }
  return warnings;
}
