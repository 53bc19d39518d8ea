/** Exit codes, documented in the README and `--help`. */
export const EXIT = {
  /** Success. */
  ok: 0,
  /** Drift: the output folder is not what synth would write (`check`). */
  drift: 1,
  /** Invalid input or usage: nothing was written. */
  invalid: 2,
  /** A bug in helmflux (an uncaught exception). */
  internal: 3,
} as const;

/** Thrown by a command to end with an exit code other than 0, once it has said why. */
export class ExitWith extends Error {
  public constructor(public readonly code: number) {
    super(`exit ${code}`);
  }
}

/**
 * Whether a command asked the process to stay up once it returned
 * (`synth --watch`). Otherwise bin/helmflux.js ends the process as soon as the
 * command is done, whatever an environment file left scheduled.
 */
export const lifetime: { stayUp: boolean; done?: Promise<void> } = { stayUp: false };

/** Runs an asynchronous command: the process ends with its outcome (bin/helmflux.js waits for `lifetime.done`). */
export function runAsync(work: () => Promise<void>): void {
  lifetime.stayUp = true;
  lifetime.done = work();
}
