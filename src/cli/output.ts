/** How the CLI words and prints things. */

/** "1 environment", "2 environments". */
export function count(n: number, singular: string, plural = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : plural}`;
}

/** Writes one line to stdout. */
export function say(line: string): void {
  process.stdout.write(line + '\n');
}

/** Writes one JSON document to stdout (`--json`). */
export function sayJson(value: unknown): void {
  process.stdout.write(JSON.stringify(value, null, 2) + '\n');
}
