/** Rendered objects as `helmflux render` prints them: a YAML stream, or JSON for tools. */
import type { RenderedObject } from './render';

export function formatRendered(objects: readonly RenderedObject[], format: 'yaml' | 'json'): string {
  if (format === 'json') {
    const list = objects.map((o) => ({ environment: o.environment, release: o.release, file: o.file, template: o.template, ...(o.hook !== undefined ? { hook: o.hook } : {}), object: o.object }));
    return `${JSON.stringify({ objects: list }, null, 2)}\n`;
  }
  const { stringify } = require('yaml') as typeof import('yaml');
  return objects
    .map((o) => {
      const where = [`# environment: ${o.environment} (${o.file})`, `# release: ${o.release}`, `# template: ${o.template}`, ...(o.hook !== undefined ? [`# hook: ${o.hook} (run by Helm around the release, not applied with it)`] : [])];
      return `---\n${where.join('\n')}\n${stringify(o.object, { lineWidth: 0, sortMapEntries: false })}`;
    })
    .join('');
}
