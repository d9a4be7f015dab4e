import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));

/** What Node prints running `script` in this package (which imports itself by name). */
const run = (script: string, args: string[] = []) =>
  execFileSync(process.execPath, [...args, '-e', script], { cwd: here, encoding: 'utf8' }).trim();

describe('@plug-session/core/node', () => {
  it.each(['workerd', 'worker', 'deno', 'bun', 'edge-light'])(
    'is the Node build, node/ helpers included, also under the %s condition',
    (condition) => {
      const script =
        "const m = await import('@plug-session/core/node'); console.log(typeof m.createPlugSession, typeof m.handleNodeRequest, typeof m.injectNodeBody)";
      expect(run(script, [`--conditions=${condition}`, '--input-type=module'])).toBe(
        'function function function',
      );
    },
  );

  it('is the very module @plug-session/core is on Node, from ESM and from CommonJS', () => {
    const esm = run(
      "const [a, b] = await Promise.all([import('@plug-session/core'), import('@plug-session/core/node')]); console.log(a === b)",
      ['--input-type=module'],
    );
    const cjs = run(
      "console.log(require('@plug-session/core') === require('@plug-session/core/node'))",
    );
    expect([esm, cjs]).toEqual(['true', 'true']);
  });
});
