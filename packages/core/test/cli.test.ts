import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const cli = join(packageDir, 'dist', 'cli.js');
const AAT = 'aat-SECRET-cli-7f3a';

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], env: Record<string, string> = {}, stdin?: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
    child.stdin.end(stdin ?? '');
  });
}

describe('the plug-session mint command', () => {
  let emulator: Emulator;
  let tmp: string;
  const withAat = { DEVREV_AAT: AAT };
  const mint = (...args: string[]) => ['mint', '--endpoint', emulator.endpoint, ...args];

  beforeAll(async () => {
    emulator = await startEmulator({ appAccessToken: AAT });
    tmp = mkdtempSync(join(tmpdir(), 'plug-session-cli-'));
  }, 180_000);

  afterAll(async () => {
    await emulator?.close();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  beforeEach(() => {
    emulator.clearCalls();
    emulator.setFault(undefined);
  });

  it('is an executable file that starts with a shebang', () => {
    expect(statSync(cli).mode & 0o111).not.toBe(0);
  });

  it('mints a token and prints its claims and expiry, absolute and relative', async () => {
    const result = await run(
      mint('--user-ref', 'alice', '--account-ref', 'acme', '--email', 'alice@acme.example'),
      withAat,
    );
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('Minted a session token for alice (account acme)');
    // The emulator's tokens last five minutes, as DevRev's last minutes.
    expect(result.stdout).toMatch(/expires at {2}\d{4}-\d\d-\d\dT[\d:.]+Z \(in (4 min|5 min)/);
    expect(result.stdout).toContain('"sub": "alice"');
    expect(result.stdout).toContain('"email": "alice@acme.example"');
    expect(emulator.calls[0]?.revInfo).toEqual({
      user_ref: 'alice',
      account_ref: 'acme',
      user_traits: { email: 'alice@acme.example' },
    });
  });

  it('prints JSON with --json, with a token the emulator verifies', async () => {
    const result = await run(mint('--user-ref', 'bob', '--json'), withAat);
    expect(result.status).toBe(0);
    const body = JSON.parse(result.stdout);
    expect(body).toMatchObject({ ok: true, claims: { sub: 'bob' } });
    // core times the token by its lifetime from arrival, so allow for the seconds in between.
    const expiresAt = new Date(body.expires_at).getTime();
    expect(Math.abs(expiresAt - body.claims.exp * 1000)).toBeLessThan(5000);
    expect(emulator.verifyToken(body.session_token)).toMatchObject({ valid: true });
  });

  it('reads a rev_info from a file, and from stdin with -, with flags laid over it', async () => {
    const file = join(tmp, 'rev-info.json');
    const revInfo = {
      user_ref: 'chen',
      account_ref: 'globex',
      workspace_ref: 'research',
      account_traits: { domains: ['globex.example'] },
    };
    writeFileSync(file, JSON.stringify(revInfo));
    const fromFile = await run(mint('--rev-info', file, '--account-name', 'Globex'), withAat);
    expect(fromFile.status).toBe(0);
    expect(emulator.calls[0]?.revInfo).toEqual({
      ...revInfo,
      account_traits: { domains: ['globex.example'], display_name: 'Globex' },
    });
    const fromStdin = await run(
      mint('--rev-info', '-', '--json'),
      withAat,
      JSON.stringify({ rev_info: { user_ref: 'dana' } }),
    );
    expect(fromStdin.status).toBe(0);
    expect(JSON.parse(fromStdin.stdout).claims.sub).toBe('dana');
  });

  it('lists every problem of an invalid rev_info and calls nobody', async () => {
    const result = await run(
      mint('--user-ref', 'dana', '--phone', '0123', '--domain', 'https://acme.example'),
      withAat,
    );
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('the rev_info is invalid (2 problems)');
    expect(result.stderr).toContain('user_traits.phone_numbers.0: expected E.164');
    expect(result.stderr).toContain('account_traits.domains.0: expected a bare host name');
    expect(emulator.callCount).toBe(0);
  });

  it('explains a rejected AAT without printing it', async () => {
    const result = await run(mint('--user-ref', 'alice'), { DEVREV_AAT: `${AAT}-wrong` });
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('UNAUTHORIZED (HTTP 401');
    expect(result.stderr).toContain('PLuG Tokens');
    expect(result.stdout + result.stderr).not.toContain(AAT);
  });

  it('reports DevRev failing after its retries, and a timeout with what to do', async () => {
    emulator.setFault({ type: 'status', status: 503 });
    const failing = await run(mint('--user-ref', 'alice', '--timeout', '1500'), withAat);
    expect(failing.status).toBe(1);
    expect(failing.stderr).toContain('UPSTREAM_UNAVAILABLE (HTTP 503');
    emulator.setFault({ type: 'hang' });
    const hanging = await run(mint('--user-ref', 'alice', '--timeout', '300', '--json'), withAat);
    expect(hanging.status).toBe(1);
    expect(JSON.parse(hanging.stdout)).toMatchObject({ ok: false, code: 'TIMEOUT' });
  });

  it('takes the AAT from the variable --aat-env names', async () => {
    const result = await run(mint('--user-ref', 'alice', '--aat-env', 'MY_AAT'), { MY_AAT: AAT });
    expect(result.status).toBe(0);
  });

  it.each([
    ['--aat VALUE', ['mint', '--user-ref', 'alice', '--aat', AAT], '--aat is not accepted'],
    ['--aat=VALUE', ['mint', '--user-ref', 'alice', `--aat=${AAT}`], '--aat is not accepted'],
    ['a stray argument', ['mint', '--user-ref', 'alice', AAT], 'not shown'],
    ['an unknown option', ['mint', '--usr-ref', 'alice'], 'unknown option --usr-ref'],
    [
      'a bad --timeout',
      ['mint', '--user-ref', 'alice', '--timeout', 'soon'],
      '--timeout must be a positive number',
    ],
    ['no user', ['mint', '--email', 'a@b.example'], 'give --user-ref'],
    [
      'a missing --rev-info file',
      ['mint', '--rev-info', '/nonexistent/rev-info.json'],
      'cannot read --rev-info',
    ],
    [
      'a malformed --endpoint',
      ['mint', '--user-ref', 'alice', '--endpoint', 'not a url'],
      '`endpoint` is not a valid URL',
    ],
  ])('refuses %s as a usage error (2), never echoing a secret', async (_name, args, message) => {
    const result = await run(args, withAat);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
    expect(result.stdout + result.stderr).not.toContain(AAT);
  });

  it('says how to set the AAT when its variable is missing (2)', async () => {
    const result = await run(mint('--user-ref', 'alice'));
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('DEVREV_AAT');
    expect(result.stderr).toContain('read -rs');
  });

  it('explains in --help why the AAT is never a flag', async () => {
    const result = await run(['--help']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('--aat-env NAME');
    expect(result.stdout).toContain('shell history');
    const bare = await run([]);
    expect(bare.status).toBe(2);
  });
});
