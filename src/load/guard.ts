/**
 * Runs environment code (an environment file, the settings file and what
 * they import) so that one file can neither change what another renders nor
 * outlive the command:
 *
 * - a file may run for at most `LOAD_TIMEOUT_MS` (an endless loop is a
 *   problem naming the file, never a hang);
 * - `process.exit`, `process.abort` and timers (`setTimeout`, `setInterval`,
 *   `setImmediate`) throw while a file loads: a file that ends the process,
 *   or schedules work to run after it loaded (and so after its output was
 *   rendered), is a problem naming the file;
 * - after each file, the shared built-ins are compared with how they were
 *   before it: a file that added, removed or replaced a property of
 *   `Object`, `Array`, `Function`, `String`, `RegExp`, `Number`, `Map` or
 *   `Set` prototypes, of `Object`, `Array`, `String`, `Number`, `JSON`,
 *   `Math`, `Reflect` or `Error` (`Error.prepareStackTrace`), added an exit
 *   listener, added or removed an (enumerable) global, or made one of
 *   those objects non-extensible, would
 *   change what every later file renders (and so the result would depend on
 *   the cache and the number of threads): that is a problem naming the file
 *   and the property.
 *
 * The comparison is a generic loop for the first files of a thread, then
 * compiled for the built-ins as they are (`compileMatcher`): about 15
 * microseconds a file alone, 30 among the rest of loading (BENCHMARKS.md,
 * (k)); half of it is listing each object's own keys.
 */
import * as vm from 'node:vm';

/** How long one environment file (with what it imports) may take to load: 10 s, or `HELMFLUX_LOAD_TIMEOUT_MS` (whole milliseconds, up to about 24 days). */
export const LOAD_TIMEOUT_MS = ((): number => {
  const given = Number(process.env.HELMFLUX_LOAD_TIMEOUT_MS);
  return Number.isInteger(given) && given > 0 && given <= 2_000_000_000 ? given : 10_000;
})();

// The checks below use these, taken when helmflux loads: a file that replaces Object.is or Reflect.ownKeys cannot blind them.
const { is, keys, getPrototypeOf, isExtensible } = Object;
const { ownKeys, getOwnPropertyDescriptor } = Reflect;
const now = performance.now.bind(performance);
const listenerCount = process.listenerCount.bind(process);

/** Thrown in place of a forbidden call while a file loads. */
export class ForbiddenCall extends Error {
  public constructor(what: string, why: string) {
    super(`called ${what}, ${why}`);
    this.name = 'ForbiddenCall';
  }
}

const WATCHED: readonly (readonly [string, object])[] = [
  ['Object.prototype', Object.prototype],
  ['Array.prototype', Array.prototype],
  ['Function.prototype', Function.prototype],
  ['String.prototype', String.prototype],
  ['RegExp.prototype', RegExp.prototype],
  ['Number.prototype', Number.prototype],
  ['Map.prototype', Map.prototype],
  ['Set.prototype', Set.prototype],
  ['Object', Object],
  ['Array', Array],
  ['String', String],
  ['Number', Number],
  ['JSON', JSON],
  ['Math', Math],
  ['Reflect', Reflect],
  ['Error', Error],
];

/** Every own property of the watched built-ins, flattened: [name, key, value, get, set, flags] ... */
type Snapshot = { readonly props: unknown[]; readonly globals: readonly PropertyKey[]; readonly counts: readonly number[] };

function snapshot(): Snapshot {
  const props: unknown[] = [];
  const counts: number[] = [];
  for (const [name, target] of WATCHED) {
    const own = ownKeys(target);
    counts.push(own.length);
    for (const key of own) {
      const d = getOwnPropertyDescriptor(target, key)!;
      props.push(name, key, d.value, d.get, d.set, (d.writable ? 1 : 0) | (d.enumerable ? 2 : 0) | (d.configurable ? 4 : 0));
    }
    props.push(name, '(prototype)', getPrototypeOf(target), undefined, undefined, isExtensible(target) ? 8 : 0);
  }
  // Exit listeners: one added by a file would run when helmflux ends, after its result.
  props.push('process', '(exit listeners)', listenerCount('exit') + listenerCount('beforeExit'), undefined, undefined, 0);
  // Enumerable globals only (what `globalThis.x = ...` or a sloppy `x = ...` makes): listing all of them costs three times as much.
  return { props, globals: keys(globalThis), counts };
}

/** True when every watched built-in is as a snapshot says. */
type Matcher = () => boolean;

/**
 * How many times a baseline is checked by the generic loop (`matchesLoop`)
 * before its check is compiled (`compileMatcher`): compiling and first
 * running the compiled check costs about 2 ms, as much as 40 generic checks,
 * so a command that loads a few files (the settings, the seed's four) never
 * pays it, and one that loads hundreds pays it once per thread.
 */
const COMPILE_AFTER = 100;

/** The check of a baseline: the generic loop at first, compiled once it has run COMPILE_AFTER times. */
function matcherFor(before: Snapshot): Matcher {
  let runs = 0;
  let compiled: Matcher | undefined;
  return () => {
    if (compiled !== undefined) return compiled();
    if (++runs >= COMPILE_AFTER) compiled = compileMatcher(before);
    return matchesLoop(before);
  };
}

/**
 * Whether the built-ins are as `before` says, read by one generic loop: the
 * same checks as `compileMatcher`, at about 40 microseconds instead of 15
 * (every read is by a computed key). Anything thrown counts as a change.
 */
function matchesLoop(before: Snapshot): boolean {
  try {
    const props = before.props;
    let i = 0;
    for (let t = 0; t < WATCHED.length; t++) {
      const target = WATCHED[t][1];
      const own = ownKeys(target);
      if (own.length !== before.counts[t]) return false;
      for (const key of own) {
        if (props[i + 1] !== key) return false;
        if (props[i + 3] === undefined && props[i + 4] === undefined) {
          if (!is((target as Record<PropertyKey, unknown>)[key], props[i + 2])) return false;
        } else {
          const d = getOwnPropertyDescriptor(target, key);
          if (d === undefined || d.get !== props[i + 3] || d.set !== props[i + 4]) return false;
        }
        i += 6;
      }
      if (props[i + 2] !== getPrototypeOf(target) || isExtensible(target) !== (props[i + 5] === 8)) return false;
      i += 6;
    }
    if (props[i + 2] !== listenerCount('exit') + listenerCount('beforeExit')) return false;
    const globals = keys(globalThis);
    return globals.length === before.globals.length && globals.every((k, j) => k === before.globals[j]);
  } catch {
    return false;
  }
}

// Taken when helmflux loads, like the functions above: a file that replaces Function cannot change the checks compiled later.
const makeFunction = Function;

/**
 * Compiles the check that the built-ins are as `before` says: the common
 * case, run after every file, so it must cost little. Each watched property
 * is read by its own statement, with its key written in the code, so every
 * read is a fast, single-shape property load (`matchesLoop`, reading all 290
 * by computed key, costs 40 to 60 microseconds a file among loading, up to a
 * quarter of it). It checks
 * each object's own keys (names and order), prototype and extensibility, each
 * data property's value (one that can never change, non-writable and
 * non-configurable, is skipped), each accessor's getter and setter (through
 * its descriptor: reading some, such as `Function.prototype.caller`, throws),
 * the exit listeners and the enumerable globals. A property a file turned
 * into an accessor would run the file's getter here: anything thrown counts
 * as a change, and `snapshot` (descriptors only) says what it was.
 */
function compileMatcher(before: Snapshot): Matcher {
  const props = before.props;
  const constants: unknown[] = [];
  const constant = (value: unknown): string => `c[${constants.push(value) - 1}]`;
  const lines: string[] = [];
  let i = 0;
  WATCHED.forEach(([, target], t) => {
    const keysOf: PropertyKey[] = [];
    const checks: string[] = [];
    for (let n = 0; n < before.counts[t]; n++, i += 6) {
      const key = props[i + 1] as PropertyKey;
      keysOf.push(key);
      const read = typeof key === 'string' ? `t[${JSON.stringify(key)}]` : `t[${constant(key)}]`;
      const keyText = typeof key === 'string' ? JSON.stringify(key) : constant(key);
      const flags = props[i + 5] as number;
      if (props[i + 3] !== undefined || props[i + 4] !== undefined) {
        checks.push(`d = gd(t, ${keyText}); if (d === undefined || d.get !== ${constant(props[i + 3])} || d.set !== ${constant(props[i + 4])}) return false;`);
      } else if ((flags & 5) !== 0) {
        // Writable or configurable: a file could replace it. (NaN is not itself: compared with Object.is.)
        const value = props[i + 2];
        checks.push(value !== value ? `if (!is(${read}, NaN)) return false;` : `if (${read} !== ${constant(value)}) return false;`);
      }
    }
    const ownKeyList = constant(keysOf);
    lines.push(
      `t = ${constant(target)}; k = ok(t); e = ${ownKeyList};`,
      `if (k.length !== e.length) return false; for (let j = 0; j < e.length; j++) if (k[j] !== e[j]) return false;`,
      `if (gp(t) !== ${constant(props[i + 2])} || ie(t) !== ${(props[i + 5] as number) === 8}) return false;`,
      ...checks,
    );
    i += 6;
  });
  lines.push(`if (lc('exit') + lc('beforeExit') !== ${constant(props[i + 2])}) return false;`);
  lines.push(`k = gk(g); e = ${constant(before.globals)}; if (k.length !== e.length) return false; for (let j = 0; j < e.length; j++) if (k[j] !== e[j]) return false;`);
  lines.push('return true;');
  const check = makeFunction(
    'c', 'ok', 'gd', 'gp', 'ie', 'is', 'lc', 'gk', 'g',
    `'use strict'; return function matches() { let t, k, e, d; try { ${lines.join('\n')} } catch { return false; } };`,
  ) as (...args: unknown[]) => Matcher;
  return check(constants, ownKeys, getOwnPropertyDescriptor, getPrototypeOf, isExtensible, is, listenerCount, keys, globalThis);
}

/** What differs between two snapshots, in words (empty when nothing does). */
function differences(before: Snapshot, after: Snapshot): string[] {
  const found: string[] = [];
  const describe = (props: unknown[]) => {
    const map = new Map<string, unknown[]>();
    for (let i = 0; i < props.length; i += 6) map.set(`${String(props[i])}.${String(props[i + 1])}`, props.slice(i + 2, i + 6));
    return map;
  };
  if (before.props.length !== after.props.length || before.props.some((v, i) => !is(v, after.props[i]))) {
    const a = describe(before.props);
    const b = describe(after.props);
    for (const [key, value] of b) {
      const old = a.get(key);
      if (old === undefined) found.push(`added ${key}`);
      else if (key === 'process.(exit listeners)') {
        if (!is(old[0], value[0])) found.push('added a process exit listener, which would run after helmflux has its result');
      } else if (key.endsWith('.(prototype)')) {
        if (old.some((v, i) => !is(v, value[i]))) found.push(`changed ${key.slice(0, -12)} (its prototype or extensibility)`);
      } else if (old.slice(0, 3).some((v, i) => !is(v, value[i]))) found.push(`replaced ${key}`);
      else if (!is(old[3], value[3])) found.push(`changed whether ${key} can be written, listed or redefined`);
    }
    for (const key of a.keys()) if (!b.has(key)) found.push(`removed ${key}`);
  }
  if (before.globals.length !== after.globals.length || before.globals.some((k, i) => k !== after.globals[i])) {
    const a = new Set(before.globals);
    const b = new Set(after.globals);
    for (const key of b) if (!a.has(key)) found.push(`added the global ${String(key)}`);
    for (const key of a) if (!b.has(key)) found.push(`removed the global ${String(key)}`);
  }
  return found;
}

const RUN = Symbol.for('helmflux.guard.run');
/** Calls the function stored under RUN; compiled once, run with a time limit for each file. */
const CALL = new vm.Script(`globalThis[Symbol.for('helmflux.guard.run')]()`, { filename: 'helmflux-guard' });

/** How long one watchdog watches: files load in batches of about this long, each batch under one watchdog. */
const BATCH_MS = 1000;

/** What running one item under the guard came to. */
export type Guarded<T> =
  | { readonly value: T; readonly changes: readonly string[] }
  | { readonly error: unknown; readonly changes: readonly string[] };

/**
 * The last baseline taken, and its check, shared by every guard of the
 * thread: a new guard (one per loading pass of a few hundred files) whose
 * built-ins are as that baseline says goes on with its check, which may be
 * compiled and optimized by now (compiling one for each pass, V8 optimized
 * each again: 640 ms at 10,000 files).
 */
let shared: { readonly baseline: Snapshot; readonly matches: Matcher } | undefined;

/** The shared baseline, taken anew when the built-ins are no longer as it says. */
function currentBaseline(): { readonly baseline: Snapshot; readonly matches: Matcher } {
  if (shared === undefined || !shared.matches()) {
    const baseline = snapshot();
    shared = { baseline, matches: matcherFor(baseline) };
  }
  return shared;
}

/** Guards the loading of environment code; one per loading pass. */
export class LoadGuard {
  private baseline: Snapshot;
  private matches: Matcher;

  public constructor() {
    ({ baseline: this.baseline, matches: this.matches } = currentBaseline());
  }

  /**
   * Runs `each` on every item, in order, with the forbidden calls in place
   * and under the time limit, and checks the built-ins after each. Never
   * throws for an item: its outcome says what it threw (a time-out is an
   * Error saying so) and what it changed.
   *
   * A time-limit watchdog costs about 0.1 ms to start, more than loading a
   * small file, so items run in batches of about a second under one
   * watchdog of `LOAD_TIMEOUT_MS` plus that second: every item gets at
   * least `LOAD_TIMEOUT_MS`, and the one running when it fires is the one
   * that did not finish.
   */
  public runAll<I, T>(items: readonly I[], each: (item: I) => T): Guarded<T>[] {
    const results: Guarded<T>[] = new Array(items.length);
    const p = process as unknown as Record<string, unknown>;
    const saved = { exit: process.exit, abort: process.abort, reallyExit: p.reallyExit, kill: process.kill, setTimeout, setInterval, setImmediate };
    const forbid = (what: string, why: string) => () => {
      throw new ForbiddenCall(what, why);
    };
    const later = 'which would run after the file loaded: environment files must describe their environment when they load, and nothing after';
    const g = globalThis as Record<string | symbol, unknown>;
    process.exit = forbid('process.exit()', 'which would end helmflux without a result') as typeof process.exit;
    process.abort = forbid('process.abort()', 'which would end helmflux without a result') as typeof process.abort;
    p.reallyExit = forbid('process.reallyExit()', 'which would end helmflux without a result');
    process.kill = forbid('process.kill()', 'which environment files have no use for') as typeof process.kill;
    g.setTimeout = forbid('setTimeout()', later);
    g.setInterval = forbid('setInterval()', later);
    g.setImmediate = forbid('setImmediate()', later);
    let next = 0;
    try {
      while (next < items.length) {
        g[RUN] = () => {
          const started = now();
          do {
            const i = next;
            try {
              const value = each(items[i]);
              results[i] = { value, changes: this.changes() };
            } catch (err) {
              results[i] = { error: err, changes: this.changes() };
            }
            next = i + 1;
          } while (next < items.length && now() - started < BATCH_MS);
        };
        try {
          CALL.runInThisContext({ timeout: LOAD_TIMEOUT_MS + BATCH_MS });
        } catch (err) {
          if ((err as { code?: unknown } | null)?.code !== 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw err;
          results[next] = { error: new Error(`did not finish loading within ${LOAD_TIMEOUT_MS / 1000} s (an endless loop?)`), changes: this.changes() };
          next++;
        }
      }
    } finally {
      process.exit = saved.exit;
      process.abort = saved.abort;
      p.reallyExit = saved.reallyExit;
      process.kill = saved.kill;
      g.setTimeout = saved.setTimeout;
      g.setInterval = saved.setInterval;
      g.setImmediate = saved.setImmediate;
      delete g[RUN];
    }
    return results;
  }

  /**
   * What the code run since the last call changed in the shared built-ins,
   * in words; the changes are then taken as the new baseline, so each is
   * reported once, against the file that made it.
   */
  private changes(): string[] {
    if (this.matches()) return [];
    const now = snapshot();
    const found = differences(this.baseline, now);
    shared = { baseline: now, matches: matcherFor(now) };
    ({ baseline: this.baseline, matches: this.matches } = shared);
    return found;
  }
}
