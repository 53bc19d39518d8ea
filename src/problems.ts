/**
 * What is wrong with the input, said so that a user can fix it:
 * `environments/dev.ts: releases[0].chart.ref: must not be empty. Use a branch, tag or commit, e.g. "master".`
 */
export interface Problem {
  /** The file at fault, as shown to the user (relative to the project root, e.g. `environments/dev.ts`), or a flag such as `--env`. */
  readonly file: string;
  /** The field at fault, e.g. `releases[0].chart.ref`, or `(file)` for the file as a whole. */
  readonly field: string;
  /** What is wrong, without a final period. */
  readonly message: string;
  /** How to fix it: one or more sentences. */
  readonly fix: string;
}

export function formatProblem(p: Problem): string {
  return `${p.file}: ${p.field}: ${p.message}. ${p.fix}`;
}

/**
 * Invalid input or usage (exit code 2): carries every problem found, so a
 * user sees all of them at once.
 */
export class InputError extends Error {
  public readonly problems: readonly Problem[];

  public constructor(problems: readonly Problem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.name = 'InputError';
    this.problems = problems;
  }
}

/** A field path for messages: `releases[0].values["kubernetes.io/ingress.class"]`. */
export function fieldPath(parent: string, key: string | number): string {
  if (typeof key === 'number') return `${parent}[${key}]`;
  if (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key)) return parent ? `${parent}.${key}` : key;
  return `${parent}[${JSON.stringify(key)}]`;
}

/** A field path from a JSON pointer into the value at `parent` (an ajv error's `instancePath`): `/a/0/b~1c` -> `a[0]["b/c"]`. */
export function pointerField(parent: string, pointer: string): string {
  if (pointer === '') return parent;
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce<string>((text, key) => fieldPath(text, /^\d+$/.test(key) ? Number(key) : key), parent);
}
