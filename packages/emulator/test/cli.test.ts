import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../src/cli-args.js';

const _packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const _sourceDir = fileURLToPath(new URL('../src', import.meta.url));

// The command is tested as shipped: vitest's global setup builds dist first.

interface Run {
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

function run(args: string[]): Run {
  const child = spawn(process.execPath, [cli, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, output: () => output, exited };
}

describe('the plug-session-emulator command', () => {
  it('starts, prints its endpoint and script URL, serves, and stops cleanly on SIGTERM', async () => {
    const aat = 'cli-aat-SECRET-4c3b2a';
    const cmd = run(['--port', '0', '--aat', aat, '--ttl', '120']);
    try {
      await expect.poll(cmd.output, { timeout: 10_000 }).toMatch(/token endpoint: (\S+)/);
      const endpoint = /token endpoint: (\S+)/.exec(cmd.output())?.[1] ?? '';
      expect(endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/internal\/auth-tokens\.create$/);
      expect(cmd.output()).toMatch(/plug\.js: +http:\/\/127\.0\.0\.1:\d+\/static\/plug\.js/);

      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${aat}`, 'content-type': 'application/json' },
        body: JSON.stringify({ rev_info: { user_ref: 'alice' } }),
      });
      expect(response.status).toBe(201);
      expect(await response.json()).toMatchObject({ expires_in: 120 });
      const refused = await fetch(endpoint, { method: 'POST', headers: { authorization: 'x' } });
      expect(refused.status).toBe(401);
    } finally {
      cmd.child.kill('SIGTERM');
    }
    expect(await cmd.exited, cmd.output()).toEqual({ code: 0, signal: null });
    expect(cmd.output()).not.toContain(aat);
    expect(cmd.output()).not.toContain('SECRET');
  });

  it('says any AAT is accepted when --aat is absent, and stops on SIGINT', async () => {
    const cmd = run([]);
    try {
      await expect.poll(cmd.output, { timeout: 10_000 }).toMatch(/any non-empty authorization/);
    } finally {
      cmd.child.kill('SIGINT');
    }
    expect((await cmd.exited).code, cmd.output()).toBe(0);
  });

  it('exits 2 with a clear message on a bad flag, never echoing a stray value', async () => {
    for (const args of [['--bogus'], ['--port', 'abc'], ['stray-SECRET-value'], ['--aat']]) {
      const cmd = run(args);
      expect((await cmd.exited).code).toBe(2);
      expect(cmd.output()).toMatch(/^plug-session-emulator: .+\n/);
      expect(cmd.output()).toContain('Usage: plug-session-emulator');
      expect(cmd.output()).not.toContain('SECRET');
    }
  });

  it('prints usage and exits 0 for --help', async () => {
    const cmd = run(['--help']);
    expect((await cmd.exited).code).toBe(0);
    expect(cmd.output()).toMatch(/--port[\s\S]*--host[\s\S]*--aat[\s\S]*--ttl[\s\S]*--latency/);
  });
});

describe('command-line parsing', () => {
  it('maps flags to options', () => {
    expect(
      parseCliArgs([
        '--port',
        '4010',
        '--host',
        '0.0.0.0',
        '--aat',
        'a',
        '--ttl',
        '60',
        '--latency',
        '5',
      ]),
    ).toEqual({
      kind: 'start',
      options: {
        port: 4010,
        host: '0.0.0.0',
        appAccessToken: 'a',
        tokenTtlSeconds: 60,
        latencyMs: 5,
      },
    });
    expect(parseCliArgs([])).toEqual({ kind: 'start', options: {} });
  });

  it.each([
    [['--port', '70000']],
    [['--port', '-1']],
    [['--ttl', '0']],
    [['--ttl', '1.5']],
    [['--latency', 'soon']],
    [['--aat', ' ']],
    [['--host', '']],
  ])('refuses %j', (args) => {
    expect(parseCliArgs(args).kind).toBe('error');
  });
});
