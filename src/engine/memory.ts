/**
 * A full garbage collection on request, for long runs whose garbage V8 would
 * otherwise keep for a while (`pipeline.ts` says when). Node gives `gc` only
 * with --expose-gc; the flag can be set at run time, and a new context then
 * has the function. Without it (a runtime that refuses the flag), nothing happens.
 */
import * as v8 from 'node:v8';
import * as vm from 'node:vm';

let gc: (() => void) | null | undefined;

/** Collects when the heap holds more than `bytes` (live and garbage): a full collection costs tens of milliseconds, so only then. */
export function collectGarbageOver(bytes: number): void {
  if (v8.getHeapStatistics().used_heap_size > bytes) collectGarbage();
}

export function collectGarbage(): void {
  if (gc === undefined) {
    try {
      v8.setFlagsFromString('--expose-gc');
      gc = vm.runInNewContext('gc') as () => void;
    } catch {
      gc = null;
    }
  }
  gc?.();
}
