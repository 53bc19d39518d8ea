// The public API of helmflux: what environment files and other programs import.
// Kept light (no cdk8s): environment files load it on every synth.
export * from './definition/types';
export { settings } from './definition/settings';
export { formatProblem, InputError, type Problem } from './problems';
export { check, synth, validate, type CheckReport, type SynthOptions, type SynthReport, type ValidateReport } from './commands/synth';
export { list, formatTable, type ListRow } from './commands/list';
