import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, test } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const koa = join(root, 'packages/koa');

function newestSource(dir: string): number {
  return Math.max(...readdirSync(dir).map((file) => statSync(join(dir, file)).mtimeMs));
}

const BUILT = ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'];

function stale(pkg: string): boolean {
  const dist = join(root, 'packages', pkg, 'dist');
  if (!BUILT.every((file) => existsSync(join(dist, file)))) return true;
  return (
    newestSource(join(root, 'packages', pkg, 'src')) > statSync(join(dist, 'index.cjs')).mtimeMs
  );
}

// The built files, as a user's Node loads them (vitest's aliases would point at the sources).
// Only what is missing or older than its sources is rebuilt: other packages' tests build too.
beforeAll(() => {
  const filters = ['core', 'koa']
    .filter(stale)
    .flatMap((pkg) => ['--filter', `@plug-session/${pkg}`]);
  if (filters.length > 0)
    execFileSync('pnpm', [...filters, 'build'], { cwd: root, stdio: 'ignore' });
}, 180_000);

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
