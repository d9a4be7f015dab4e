import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { typecheckConsumer } from '@plug-session/conformance';
import { describe, expect, test } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const dist = join(here, 'dist');
const require = createRequire(import.meta.url);

// The built files (vitest's global setup builds them), as a user's runtime loads them; vitest's
// aliases would point at the sources.
describe('the built package', () => {
  test('require() of dist/index.cjs exposes plugSession', () => {
    const cjs = require(join(dist, 'index.cjs')) as Record<string, unknown>;
    expect(typeof cjs.plugSession).toBe('function');
    expect(Object.keys(cjs).sort()).toMatchInlineSnapshot(`
      [
        "plugSession",
      ]
    `);
  });

  test('import() of dist/index.js exposes plugSession', async () => {
    const esm = (await import(pathToFileURL(join(dist, 'index.js')).href)) as Record<
      string,
      unknown
    >;
    expect(Object.keys(esm).sort()).toMatchInlineSnapshot(`
      [
        "plugSession",
      ]
    `);
  });

  test('Node resolves the package by name through its exports, from ESM and from CommonJS', () => {
    const run = (args: string[]): string =>
      execFileSync(process.execPath, args, { cwd: here, encoding: 'utf8' }).trim();
    const esm = run([
      '--input-type=module',
      '-e',
      "const m = await import('@plug-session/hono'); console.log(typeof m.plugSession);",
    ]);
    const cjs = run(['-e', "console.log(typeof require('@plug-session/hono').plugSession)"]);
    expect([esm, cjs]).toEqual(['function', 'function']);
  });

  test('its code imports only hono types and @plug-session/core: no node: module, no Buffer', () => {
    for (const file of ['index.js', 'index.cjs']) {
      const code = readFileSync(join(dist, file), 'utf8');
      expect(code, file).not.toMatch(/["']node:|\bBuffer\b/);
      const imported = [...code.matchAll(/(?:from |require\()["']([^"']+)["']/g)].map((m) => m[1]);
      expect(new Set(imported), file).toEqual(new Set(['@plug-session/core']));
    }
  });

  test("the declarations augment Hono's ContextVariableMap with plugSessionToken", () => {
    for (const file of ['index.d.ts', 'index.d.cts']) {
      const text = readFileSync(join(dist, file), 'utf8');
      expect(text).toMatch(/declare module ['"]hono['"]/);
      expect(text).toMatch(/interface ContextVariableMap extends PlugSessionVariables/);
      expect(text).toContain('plugSessionToken: string | undefined');
    }
  });

  test('a TypeScript consumer gets c.var.plugSessionToken typed without a cast (ESM and CJS)', () => {
    const consumer = [
      "import { Hono } from 'hono';",
      "import { plugSession } from '@plug-session/hono';",
      'const app = new Hono();',
      "app.use(plugSession({ appAccessToken: 'aat', resolveUser: (c) => (c.req.header('x-user') ? { user_ref: 'u' } : null) }));",
      "app.get('/', (c) => {",
      '  const token: string | undefined = c.var.plugSessionToken;',
      "  const same: string | undefined = c.get('plugSessionToken');",
      '  // @ts-expect-error the token is a string, not a number (and not any)',
      '  const wrong: number = c.var.plugSessionToken;',
      '  return c.json({ token, same, wrong });',
      '});',
      'export default app;',
      '',
    ].join('\n');
    expect(typecheckConsumer(here, consumer)).toBe('');
  }, 60_000);
});
