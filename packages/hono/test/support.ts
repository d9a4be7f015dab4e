import { type IncomingHttpHeaders, type IncomingMessage, request } from 'node:http';
import type { PlugSessionError } from '@plug-session/core';
import { type Emulator, startEmulator } from '@plug-session/emulator';
import type { Hono } from 'hono';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { type PlugSessionHonoOptions, plugSession } from '../src/index.js';
import { listen } from './driver.js';

export const AAT = 'aat-hono-tests-7d21';
export const APP_ID = 'app-hono-tests';
export const HTML = 'text/html; charset=utf-8';
export const PAGE =
  '<!doctype html><html><head><title>Hono ☕</title></head><body><h1>Grüße 👋</h1></body></html>';

/** What a test app answered, body as raw bytes. */
export interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
}

/** Reads a whole response. */
export function readAll(res: IncomingMessage): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    res.on('data', (chunk: Buffer) => chunks.push(chunk));
    res.on('error', reject);
    res.on('end', () => {
      const body = Buffer.concat(chunks);
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body, text: body.toString() });
    });
  });
}

/** Opens a request on a fresh connection and hands back the response as it starts. */
export function open(
  url: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<IncomingMessage> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: init.headers, agent: false });
    req.on('error', reject);
    req.on('response', resolve);
    req.end();
  });
}

/** Sends a request and reads the whole answer. */
export async function send(
  url: string,
  init: { method?: string; headers?: Record<string, string> } = {},
): Promise<Reply> {
  return readAll(await open(url, init));
}

/** Checks that `body` is `page` with one snippet before its last `</body>`; returns the snippet. */
export function snippetIn(body: Buffer, page: string | Uint8Array, scriptSrc: string): string {
  const original = Buffer.from(page);
  const at = original.lastIndexOf('</body>');
  const head = original.subarray(0, at);
  const tail = original.subarray(at);
  expect(body.subarray(0, head.length).equals(head), 'the page before </body> is intact').toBe(
    true,
  );
  expect(body.subarray(body.length - tail.length).equals(tail), 'the tail is intact').toBe(true);
  const snippet = body.subarray(head.length, body.length - tail.length).toString('utf8');
  expect(snippet.startsWith(`<script src="${scriptSrc}"`), snippet).toBe(true);
  expect(snippet.split('window.plugSDK.init(').length - 1).toBe(1);
  return snippet;
}

/** The session token an injected snippet carries, if any. */
export const tokenIn = (snippet: string): string | undefined =>
  /"session_token":"([^"]+)"/.exec(snippet)?.[1];

/**
 * One emulator for the file, the apps a test serves closed after it, the errors `onError` got,
 * and options against that emulator (injection on; `x-user` names the user).
 */
export function useSetup() {
  let emulator: Emulator | undefined;
  const running: Array<{ close(): Promise<void> }> = [];
  const errors: PlugSessionError[] = [];
  beforeAll(async () => {
    emulator = await startEmulator({ appAccessToken: AAT });
  });
  afterAll(async () => {
    await emulator?.close();
  });
  afterEach(async () => {
    errors.length = 0;
    emulator?.setFault(undefined);
    emulator?.clearCalls();
    await Promise.all(running.splice(0).map((app) => app.close()));
  });
  const setup = {
    get emulator(): Emulator {
      if (!emulator) throw new Error('the emulator is only there inside tests');
      return emulator;
    },
    errors,
    options(extra: Partial<PlugSessionHonoOptions> = {}): PlugSessionHonoOptions {
      return {
        appAccessToken: AAT,
        appId: APP_ID,
        endpoint: setup.emulator.endpoint,
        injectScript: { scriptSrc: setup.emulator.scriptSrc },
        resolveUser: (c) => {
          const user = c.req.header('x-user');
          return user ? { user_ref: user } : null;
        },
        onError: (error) => void errors.push(error),
        ...extra,
      };
    },
    /** `plugSession(options)`, closed with the test's apps. */
    plugSession(extra: Partial<PlugSessionHonoOptions> = {}) {
      const middleware = plugSession(setup.options(extra));
      running.push(middleware);
      return middleware;
    },
    /** Serves `app` on 127.0.0.1:0 until the test ends; its URL. */
    async serve(app: Hono): Promise<string> {
      const server = await listen(app);
      running.push(server);
      return server.url;
    },
  };
  return setup;
}
