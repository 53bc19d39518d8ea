/**
 * What the commands need of the Flux they write for, besides rendering
 * (`engine/pipeline.ts` picks the renderer): what a change makes Flux do
 * (for `diff` and `check`), and how synth keeps what Flux's image automation
 * committed into the output folder. Light: no cdk8s.
 */
import type { Settings } from '../definition/settings';
import type { RenderedFile } from '../output/layout';
import type { Effects } from '../review/diff';
import { fluxV1Effects } from './flux-v1/effects';
import { DEFINED_TAGS_ANNOTATION, type KeepResult } from '../images/intent';
import { keepFluxUpdates } from './flux-v1/keep';
import { fluxV2Effects } from './flux-v2/effects';
import { keepFluxV2Updates } from './flux-v2/keep';

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
  if (settings.flux === 'v2') return { effects: fluxV2Effects(settings), rewritable, keep: keepFluxV2Updates };
  return { effects: fluxV1Effects(settings), rewritable, keep: keepFluxUpdates };
}
