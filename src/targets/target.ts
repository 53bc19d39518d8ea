/**
 * What the commands need of the Flux they write for, besides rendering
 * (`engine/pipeline.ts` picks the renderer): what a change makes Flux do
 * (for `diff` and `check`), and how synth keeps what Flux's image automation
 * committed into the output folder. Light: no cdk8s.
 */
import type { Settings } from '../definition/settings';
import type { RenderedFile } from '../output/layout';
import type { Effects } from '../review/diff';
import { DEFINED_TAGS_ANNOTATION, type KeepResult } from '../images/intent';

export interface Target {
  readonly effects: Effects;
  /** Whether Flux's image automation may have rewritten a committed file (only those are read for keeping). */
  readonly rewritable: (path: string, text: string) => boolean;
  /** The rendered files with the tags Flux committed kept; the tags replaced; the committed files that cannot be read. */
  readonly keep: (files: readonly RenderedFile[], committed: ReadonlyMap<string, string>) => KeepResult;
}

export function targetOf(settings: Settings): Target {
  // Flux commits only tags of automated releases, and every such release records its definition's tags.
  const rewritable = (path: string, text: string) => path.startsWith('releases/') && text.includes(`${DEFINED_TAGS_ANNOTATION}:`);
  // Each target's modules are loaded only when it is the one written for (v2's keep loads the YAML parser).
  if (settings.flux === 'v2') {
    const { fluxV2Effects } = require('./flux-v2/effects') as typeof import('./flux-v2/effects');
    return { effects: fluxV2Effects(settings), rewritable, keep: (files, committed) => (require('./flux-v2/keep') as typeof import('./flux-v2/keep')).keepFluxV2Updates(files, committed) };
  }
  const { fluxV1Effects } = require('./flux-v1/effects') as typeof import('./flux-v1/effects');
  return { effects: fluxV1Effects(settings), rewritable, keep: (files, committed) => (require('./flux-v1/keep') as typeof import('./flux-v1/keep')).keepFluxUpdates(files, committed) };
}
