/**
 * Edits literals inside an environment file's definition, keeping every
 * other byte (formatting, comments): the syntax tree comes from the
 * TypeScript compiler, the edit is a splice of the literal's own text.
 *
 * A value is edited only where the file writes it as a literal, reached
 * through object and array literals from `export default
 * defineEnvironment({...})` (or `export default {...}`); a release written
 * as an imported chart's `x.release({...})` is looked through. Anything else
 * (a value computed, imported, spread, or built by another function call)
 * cannot be edited safely: the caller is told why.
 */
import type * as TS from 'typescript';

/** Where a value lives in a definition: keys, and releases picked by name. */
export type DefinitionPath = readonly (string | { readonly release: string })[];

/** A literal to change, or why it cannot be changed. */
export type EditTarget = { readonly start: number; readonly end: number; readonly text: string } | { readonly reason: string };

let ts: typeof TS | undefined;

function typescript(): typeof TS {
  // Loaded on first use: only adopt needs the compiler.
  ts ??= require('typescript') as typeof TS;
  return ts;
}

/** Finds the literal at `path` in the file's default export and says how to replace it with `value` (a string). */
export function findLiteral(source: string, fileName: string, path: DefinitionPath, value: string): EditTarget {
  const t = typescript();
  const found = locate(source, fileName, path);
  if ('reason' in found) return found;
  const literal = found.node;
  if (!t.isStringLiteralLike(literal) || t.isNoSubstitutionTemplateLiteral(literal)) {
    return { reason: `${found.walked} is ${t.SyntaxKind[literal.kind]} in the file, not a string literal` };
  }
  const quote = source[literal.getStart()] === '"' ? '"' : "'";
  return { start: literal.getStart(), end: literal.getEnd(), text: quoted(value, quote) };
}

/**
 * Adds `key: valueText` to the object literal at `path`, in the object's own
 * layout (one line, or one property a line with its indentation); undefined
 * when the key is already there.
 */
export function insertProperty(source: string, fileName: string, path: DefinitionPath, key: string, valueText: string): EditTarget | undefined {
  const t = typescript();
  const found = locate(source, fileName, path);
  if ('reason' in found) return found;
  const object = found.node;
  if (!t.isObjectLiteralExpression(object)) return { reason: `${found.walked || 'the definition'} is not written as an object literal` };
  if (object.properties.some((p) => p.name !== undefined && propertyName(t, p.name as TS.PropertyName) === key)) return undefined;
  const quote = source.slice(object.getStart(), object.getEnd()).includes('"') && !source.slice(object.getStart(), object.getEnd()).includes("'") ? '"' : "'";
  const name = keyText(key, quote);
  const entry = `${name}: ${valueText}`;
  const last = object.properties[object.properties.length - 1];
  if (last === undefined) return { start: object.getStart(), end: object.getEnd(), text: `{ ${entry} }` };
  const multiLine = source.slice(object.getStart(), object.getEnd()).includes('\n');
  const afterLast = last.getEnd();
  const trailingComma = object.properties.hasTrailingComma;
  if (!multiLine) {
    const at = trailingComma ? source.indexOf(',', afterLast) + 1 : afterLast;
    return { start: at, end: at, text: `${trailingComma ? '' : ','} ${entry}` };
  }
  const lineStart = source.lastIndexOf('\n', last.getStart()) + 1;
  const indent = /^[ \t]*/.exec(source.slice(lineStart))![0];
  const at = trailingComma ? source.indexOf(',', afterLast) + 1 : afterLast;
  return { start: at, end: at, text: `${trailingComma ? '' : ','}\n${indent}${entry}${trailingComma ? ',' : ''}` };
}

/** An object literal's key: bare when it is an identifier, else a string literal (`'web-app'`). */
export function keyText(key: string, quote: "'" | '"' = "'"): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? key : quoted(key, quote);
}

/** A string as a TypeScript literal in the file's quote style. */
export function literalText(value: string, quote: "'" | '"' = "'"): string {
  return quoted(value, quote);
}

/** Where a value is written: what to look in, and the keys under it. */
export type ValueAnchor = { readonly release: string } | { readonly chart: string };

/**
 * The line (1-based) where a file writes a value: under `values` of a
 * release of its default export, or of the `defineChart({ name })` call of a
 * chart; undefined when the file does not write it as such (computed, spread).
 */
export function valueLine(source: string, fileName: string, anchor: ValueAnchor, path: readonly string[]): number | undefined {
  const t = typescript();
  const file = t.createSourceFile(fileName, source, t.ScriptTarget.Latest, true, t.ScriptKind.TS);
  const found =
    'release' in anchor ? walk(t, defaultExport(t, file), ['releases', anchor, 'values', ...path]) : walk(t, chartDefinition(t, file, anchor.chart), ['values', ...path]);
  if ('reason' in found) return undefined;
  const property = found.node.parent;
  const at = property !== undefined && t.isPropertyAssignment(property) ? property : found.node;
  return file.getLineAndCharacterOfPosition(at.getStart()).line + 1;
}

/** The object literal given to `defineChart({ name: <chart>, ... })` in a file. */
function chartDefinition(t: typeof TS, file: TS.SourceFile, chart: string): TS.Node | undefined {
  let found: TS.Node | undefined;
  const visit = (node: TS.Node): void => {
    if (found) return;
    if (t.isCallExpression(node) && t.isIdentifier(node.expression) && node.expression.text === 'defineChart' && node.arguments.length === 1) {
      const object = unwrap(t, node.arguments[0]);
      if (t.isObjectLiteralExpression(object) && stringProperty(t, object, 'name') === chart) found = object;
    }
    t.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

function stringProperty(t: typeof TS, object: TS.ObjectLiteralExpression, key: string): string | undefined {
  const property = object.properties.find((p) => t.isPropertyAssignment(p) && propertyName(t, p.name) === key) as TS.PropertyAssignment | undefined;
  const literal = property && unwrap(t, property.initializer);
  return literal !== undefined && t.isStringLiteralLike(literal) ? literal.text : undefined;
}

/** A release as written: an object literal, or a chart's `x.release({ ... })` of one. */
function releaseObject(t: typeof TS, element: TS.Node): TS.Node {
  const node = unwrap(t, element);
  if (t.isCallExpression(node) && t.isPropertyAccessExpression(node.expression) && node.expression.name.text === 'release' && node.arguments.length === 1) {
    return unwrap(t, node.arguments[0]);
  }
  return node;
}

/** The node at `path` in the file's default export, or why there is none. */
function locate(source: string, fileName: string, path: DefinitionPath): { node: TS.Node; walked: string } | { reason: string } {
  const t = typescript();
  const file = t.createSourceFile(fileName, source, t.ScriptTarget.Latest, true, t.ScriptKind.TS);
  return walk(t, defaultExport(t, file), path);
}

function walk(t: typeof TS, start: TS.Node | undefined, path: DefinitionPath): { node: TS.Node; walked: string } | { reason: string } {
  let node: TS.Node | undefined = start;
  if (node === undefined) return { reason: 'the file has no `export default defineEnvironment({ ... })` of an object literal' };
  const walked: string[] = [];
  for (const step of path) {
    node = unwrap(t, node);
    if (typeof step === 'string' && /^\d+$/.test(step) && t.isArrayLiteralExpression(node)) {
      // An index into a list written as an array literal.
      walked.push(`[${step}]`);
      const element: TS.Node | undefined = node.elements[Number(step)];
      if (element === undefined || t.isSpreadElement(element)) return { reason: `${walked.join('.')} is not written in the file` };
      node = element;
    } else if (typeof step === 'string') {
      walked.push(step);
      if (!t.isObjectLiteralExpression(node)) return { reason: `${walked.slice(0, -1).join('.') || 'the definition'} is not written as an object literal here` };
      const property = node.properties.find((p) => t.isPropertyAssignment(p) && propertyName(t, p.name) === step) as TS.PropertyAssignment | undefined;
      if (property === undefined) {
        const spread = node.properties.some((p) => t.isSpreadAssignment(p) || t.isShorthandPropertyAssignment(p));
        return { reason: `${walked.join('.')} is not written in the file${spread ? ' (it comes from a spread or a shorthand)' : ''}` };
      }
      node = property.initializer;
    } else if ('release' in step) {
      walked.push(`[${JSON.stringify(step.release)}]`);
      if (!t.isArrayLiteralExpression(node)) return { reason: 'releases is not written as an array literal' };
      const release = node.elements.map((e) => releaseObject(t, e)).find((object) => t.isObjectLiteralExpression(object) && stringProperty(t, object, 'name') === step.release);
      if (release === undefined) return { reason: `no release named ${JSON.stringify(step.release)} is written as an object literal with that name` };
      node = release;
    }
  }
  return { node: unwrap(t, node), walked: walked.join('.').replace(/\.\[/g, '[') };
}

/** Applies edits (non-overlapping) to a text. */
export function applyEdits(source: string, edits: readonly { start: number; end: number; text: string }[]): string {
  let out = source;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

function quoted(value: string, quote: string): string {
  const body = JSON.stringify(value).slice(1, -1);
  return quote === '"' ? `"${body}"` : `'${body.replace(/\\"/g, '"').replace(/'/g, "\\'")}'`;
}

function defaultExport(t: typeof TS, file: TS.SourceFile): TS.Node | undefined {
  for (const statement of file.statements) {
    if (!t.isExportAssignment(statement) || statement.isExportEquals) continue;
    let expression: TS.Node = unwrap(t, statement.expression);
    // defineEnvironment({...}) returns its argument.
    if (t.isCallExpression(expression) && expression.arguments.length === 1 && t.isIdentifier(expression.expression) && expression.expression.text === 'defineEnvironment') {
      expression = expression.arguments[0];
    }
    return expression;
  }
  return undefined;
}

/** Looks through `( ... )`, `x as T`, `x satisfies T` and `x!`. */
function unwrap(t: typeof TS, node: TS.Node): TS.Node {
  while (t.isParenthesizedExpression(node) || t.isAsExpression(node) || t.isSatisfiesExpression(node) || t.isNonNullExpression(node) || t.isTypeAssertionExpression(node)) {
    node = node.expression;
  }
  return node;
}

function propertyName(t: typeof TS, name: TS.PropertyName): string | undefined {
  if (t.isIdentifier(name) || t.isStringLiteralLike(name) || t.isNumericLiteral(name)) return name.text;
  return undefined;
}
