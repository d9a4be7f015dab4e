import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (file: string) => `${root}dist/${file}`;

const BUILT = ['index.js', 'index.cjs', 'index.d.ts', 'index.d.cts'];

// The built files, not the sources: what `require` and `import` of the package really load.
function isStale(): boolean {
  if (!BUILT.every((file) => existsSync(dist(file)))) return true;
  const built = Math.min(...BUILT.map((file) => statSync(dist(file)).mtimeMs));
  return readdirSync(`${root}src`).some((file) => statSync(`${root}src/${file}`).mtimeMs > built);
}

beforeAll(() => {
  if (!isStale()) return;
  try {
    execFileSync(
      'pnpm',
      ['--filter', '@plug-session/core', '--filter', '@plug-session/fastify', 'build'],
      { cwd: root, stdio: 'pipe', encoding: 'utf8' },
    );
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`the build failed:\n${stdout.slice(-3000)}\n${stderr.slice(-3000)}`);
  }
}, 300_000);

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

  it('ships the FastifyRequest augmentation in both declaration files', async () => {
    for (const file of ['index.d.ts', 'index.d.cts']) {
      const text = await readFile(dist(file), 'utf8');
      expect(text).toMatch(/declare module 'fastify'/);
      expect(text).toMatch(/plugSessionToken: string \| undefined;/);
    }
  });
});
