import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { typecheckConsumer } from '@plug-session/conformance';
import { describe, expect, test } from 'vitest';

const here = fileURLToPath(new URL('..', import.meta.url));
const _workspace = join(here, '..', '..');
const dist = join(here, 'dist');
const require = createRequire(import.meta.url);

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
    expect(typeof esm.plugSession).toBe('function');
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
      "const m = await import('@plug-session/express'); console.log(typeof m.plugSession);",
    ]);
    const cjs = run(['-e', "console.log(typeof require('@plug-session/express').plugSession)"]);
    expect([esm, cjs]).toEqual(['function', 'function']);
  });

  test.each(['bun', 'deno'])(
    "loads under the %s condition, with core's Node build (@plug-session/core/node)",
    (condition) => {
      const script =
        "const m = await import('@plug-session/express'); console.log(typeof m.plugSession);";
      const args = [`--conditions=${condition}`, '--input-type=module', '-e', script];
      expect(execFileSync(process.execPath, args, { cwd: here, encoding: 'utf8' }).trim()).toBe(
        'function',
      );
    },
  );

  test("the declarations augment Express's Request with plugSessionToken", () => {
    for (const file of ['index.d.ts', 'index.d.cts']) {
      const text = readFileSync(join(dist, file), 'utf8');
      expect(text).toContain('declare global');
      expect(text).toMatch(/plugSessionToken\?: string \| undefined/);
    }
  });

  test('a TypeScript consumer gets req.plugSessionToken typed without a cast (ESM and CJS)', () => {
    const consumer = [
      "import type { Request, Response } from 'express';",
      "import { plugSession } from '@plug-session/express';",
      "export const middleware = plugSession({ appAccessToken: 'aat', resolveUser: (req) => (req.get('x-user') ? { user_ref: 'u' } : null) });",
      'export function handler(req: Request, res: Response): void {',
      '  const token: string | undefined = req.plugSessionToken;',
      '  // @ts-expect-error the token is a string, not a number (and not any)',
      '  const wrong: number = req.plugSessionToken;',
      '  res.json({ token, wrong });',
      '}',
      '',
    ].join('\n');
    expect(typecheckConsumer(here, consumer)).toBe('');
  }, 60_000);
});
