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
import { keepFluxUpdates, type KeptValue } from './flux-v1/keep';
import { fluxV2Effects } from './flux-v2/effects';
import { keepFluxV2Updates, MARKER_TEXT } from './flux-v2/keep';

export interface Target {
  readonly effects: Effects;
  /** Whether Flux's image automation may have rewritten a committed file (only those are read for keeping). */
  readonly rewritable: (path: string, text: string) => boolean;
  /** The rendered files with the tags Flux committed kept. */
  readonly keep: (files: readonly RenderedFile[], committed: ReadonlyMap<string, string>) => { files: RenderedFile[]; kept: KeptValue[] };
}

export function targetOf(settings: Settings): Target {
  if (settings.flux === 'v2') {
    return { effects: fluxV2Effects(settings), rewritable: (path, text) => path.startsWith('releases/') && text.includes(MARKER_TEXT), keep: keepFluxV2Updates };
  }
  return { effects: fluxV1Effects(settings), rewritable: (path, text) => path.startsWith('releases/') && text.includes('fluxcd.io/automated: "true"'), keep: keepFluxUpdates };
}
