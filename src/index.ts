// The public API of helmflux: what environment files import (`api.ts`), and
// the commands as library functions for other programs.
export * from './api';
export { formatProblem, InputError, type Problem } from './problems';
export { check, synth, validate, type CheckReport, type SynthOptions, type SynthReport, type ValidateReport } from './commands/synth';
export { list, formatTable, type ListRow } from './commands/list';
