import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// The README's plain node:http example, run as a user would run it (against the built
// packages), so the documented code is known to work.
const example = fileURLToPath(new URL('../examples/node-http.mjs', import.meta.url));

let child: ChildProcess;
let base: string;

beforeAll(async () => {
  child = spawn(process.execPath, [example], {
    env: { PATH: process.env.PATH ?? '', PORT: '0' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  for await (const chunk of child.stdout!) {
    output += String(chunk);
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
    if (url) {
      base = url;
      break;
    }
  }
  expect(base).toBeDefined();
});

afterAll(async () => {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
});

describe('the plain node:http example', () => {
  it('injects an identified snippet for a signed-in user', async () => {
    const response = await fetch(`${base}/?user=alice`);
    const page = await response.text();
    expect(response.status).toBe(200);
    expect(page).toContain('Hello, with a session token');
    expect(page).toMatch(/"session_token":"ey[\w-]+\.[\w-]+\.[\w-]+"/);
    expect(response.headers.get('cache-control')).toContain('no-store');
  });

  it('injects an anonymous snippet for a visitor', async () => {
    const page = await (await fetch(`${base}/`)).text();
    expect(page).toContain('Hello, anonymously');
    expect(page).toContain('window.plugSDK.init(');
    expect(page).not.toContain('session_token');
  });

  it('answers the token route with the user token as JSON', async () => {
    const response = await fetch(`${base}/plug/session?user=bob`);
    const body = (await response.json()) as { session_token: string; expires_at: string };
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(body.session_token.split('.')).toHaveLength(3);
    expect(Date.parse(body.expires_at)).toBeGreaterThan(Date.now());
  });

  it('stops cleanly on SIGTERM', async () => {
    child.kill('SIGTERM');
    const [code] = await once(child, 'exit');
    expect(code).toBe(0);
  });
});
