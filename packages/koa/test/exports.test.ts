import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const koa = join(root, 'packages/koa');

// The built files (vitest's global setup builds them), as a user's Node loads them; vitest's
// aliases would point at the sources.
const esmKeys = () =>
  JSON.parse(
    execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('@plug-session/koa'); console.log(JSON.stringify(Object.keys(m).sort()));",
      ],
      { cwd: koa, encoding: 'utf8' },
    ),
  ) as string[];

describe('the built package', () => {
  test('require() of its CommonJS build exposes plugSession', () => {
    const required = createRequire(join(koa, 'package.json'))('@plug-session/koa') as Record<
      string,
      unknown
    >;
    expect(typeof required.plugSession).toBe('function');
    expect(Object.keys(required).sort()).toMatchInlineSnapshot(`
      [
        "plugSession",
      ]
    `);
  });

  test.each(['bun', 'deno'])(
    "loads under the %s condition, with core's Node build (@plug-session/core/node)",
    (condition) => {
      const script =
        "const m = await import('@plug-session/koa'); console.log(typeof m.plugSession);";
      const args = [`--conditions=${condition}`, '--input-type=module', '-e', script];
      expect(execFileSync(process.execPath, args, { cwd: koa, encoding: 'utf8' }).trim()).toBe(
        'function',
      );
    },
  );

  test('import() of its ESM build exposes plugSession', () => {
    expect(esmKeys()).toMatchInlineSnapshot(`
      [
        "plugSession",
      ]
    `);
  });

  test('its declarations augment Koa with the token, for ESM and CommonJS users', () => {
    for (const file of ['index.d.ts', 'index.d.cts']) {
      const types = readFileSync(join(koa, 'dist', file), 'utf8');
      expect(types).toMatch(/declare module ['"]koa['"]/);
      expect(types).toMatch(/interface DefaultState\b/);
      expect(types).toMatch(/interface Request\b/);
      expect(types).toContain('plugSessionToken?: string | undefined');
    }
  });
});
