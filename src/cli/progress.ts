/**
 * Progress of long work (a synth of hundreds of environments, a chart
 * import): a line per phase on stderr, only when stderr is a terminal, and
 * never with --quiet. stdout (and so any --json or --format output) never
 * carries it. Commands pass the reporter to the library as `progress`.
 */
export function progressReporter(quiet = false): ((line: string) => void) | undefined {
  if (quiet || process.stderr.isTTY !== true) return undefined;
  return (line) => process.stderr.write(`helmflux: ${line}\n`);
}
