import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = (file: string) => `${root}dist/${file}`;

// The built files, not the sources: what `require` and `import` of the package really load.
function isStale(): boolean {
  if (!existsSync(dist('index.js')) || !existsSync(dist('index.cjs'))) return true;
  const built = statSync(dist('index.js')).mtimeMs;
  return readdirSync(`${root}src`).some((file) => statSync(`${root}src/${file}`).mtimeMs > built);
}

beforeAll(() => {
  if (isStale()) {
    execFileSync(
      'pnpm',
      ['--filter', '@plug-session/core', '--filter', '@plug-session/fastify', 'build'],
      { cwd: root, stdio: 'ignore' },
    );
  }
}, 120_000);

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
    const { readFile } = await import('node:fs/promises');
    for (const file of ['index.d.ts', 'index.d.cts']) {
      const text = await readFile(dist(file), 'utf8');
      expect(text).toMatch(/declare module 'fastify'/);
      expect(text).toMatch(/plugSessionToken: string \| undefined;/);
    }
  });
});
