/**
 * Memory for long runs. After a full collection V8 lets the heap grow to up
 * to four times what was live before it collects again; with thousands of
 * environment files, each thread then held about 100 MB of heap for about
 * 30 MB live (each file's compiled code lives in old space, which only a
 * full collection frees). Growing by at most 30 % instead keeps a
 * 10,000-file run on two threads near 250 MiB instead of 290 MiB, for about
 * 3 % more time (BENCHMARKS.md, (k)). V8 reads this flag each time it sizes
 * the heap, and it applies to every thread of the process; Node allows
 * setting it at run time (`v8.setFlagsFromString`).
 */
import * as v8 from 'node:v8';

/** How much the heap may grow past what was live after a full collection, in percent. */
const HEAP_GROWING_PERCENT = 30;

let limited = false;

/** Keeps the heap of this process (all its threads) near what it holds, for the rest of the run. */
export function limitHeapGrowth(): void {
  if (limited) return;
  limited = true;
  v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
}
