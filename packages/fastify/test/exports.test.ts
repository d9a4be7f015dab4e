import { execFileSync } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (file: string) => `${root}dist/${file}`;

// The built files (vitest's global setup builds them), not the sources: what `require` and
// `import` of the package really load.
describe('package exports', () => {
  it('gives CommonJS .plugSession and .default', () => {
    const required = createRequire(import.meta.url)(dist('index.cjs')) as Record<string, unknown>;
    expect(typeof required.plugSession).toBe('function');
    expect(required.default).toBe(required.plugSession);
    expect(Object.keys(required).sort()).toMatchInlineSnapshot(`
      [
        "default",
        "plugSession",
      ]
    `);
  });

  it('gives ESM a named plugSession and a default', async () => {
    const imported = (await import(pathToFileURL(dist('index.js')).href)) as Record<
      string,
      unknown
    >;
    expect(typeof imported.plugSession).toBe('function');
    expect(imported.default).toBe(imported.plugSession);
    expect(Object.keys(imported).sort()).toMatchInlineSnapshot(`
      [
        "default",
        "plugSession",
      ]
    `);
  });

  it.each(['bun', 'deno'])(
    "loads under the %s condition, with core's Node build (@plug-session/core/node)",
    (condition) => {
      const script =
        "const m = await import('@plug-session/fastify'); console.log(typeof m.plugSession);";
      const args = [`--conditions=${condition}`, '--input-type=module', '-e', script];
      expect(execFileSync(process.execPath, args, { cwd: root, encoding: 'utf8' }).trim()).toBe(
        'function',
      );
    },
  );

  it('ships the FastifyRequest augmentation in both declaration files', async () => {
    for (const file of ['index.d.ts', 'index.d.cts']) {
      const text = await readFile(dist(file), 'utf8');
      expect(text).toMatch(/declare module 'fastify'/);
      expect(text).toMatch(/plugSessionToken: string \| undefined;/);
    }
  });
});
