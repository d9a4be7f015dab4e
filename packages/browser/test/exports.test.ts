import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const dist = (file: string) => join(pkg, 'dist', file);

// The built files (vitest's global setup builds them), as a bundler or a browser gets them;
// vitest's aliases would point at the sources.
describe('the built package', () => {
  test('import() of its ESM build exposes connectPlug, and importing it does nothing', () => {
    const keys = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "const m = await import('@plug-session/browser'); console.log(JSON.stringify(Object.keys(m).sort()));",
      ],
      { cwd: pkg, encoding: 'utf8' },
    );
    expect(JSON.parse(keys)).toEqual(['connectPlug']);
  });

  test('is ESM only, with no import of any other module', () => {
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8'));
    expect(manifest.exports['.']).toEqual({
      types: './dist/index.d.ts',
      default: './dist/index.js',
    });
    expect(manifest.dependencies ?? {}).toEqual({});
    expect(existsSync(dist('index.cjs'))).toBe(false);
    const code = readFileSync(dist('index.js'), 'utf8');
    expect(code).not.toMatch(/^\s*import\b|\bimport\(|\brequire\(/m);
  });

  test('its declarations type the options and the connection', () => {
    const types = readFileSync(dist('index.d.ts'), 'utf8');
    expect(types).toMatch(
      /declare function connectPlug\(options: ConnectPlugOptions\): PlugConnection/,
    );
    for (const name of ['ConnectPlugOptions', 'PlugConnection', 'PlugInitOptions']) {
      expect(types).toMatch(new RegExp(`interface ${name}\\b`));
    }
    expect(types).toMatch(/export \{[^}]*connectPlug/);
  });
});
