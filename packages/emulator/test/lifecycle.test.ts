import { createServer } from 'node:http';
import { describe, expect, it } from 'vitest';
import { type EmulatorOptions, startEmulator } from '../src/index.js';
import { mint } from './helpers.js';

describe('start and close', () => {
  it('frees the port on close, even with a request hanging, so it can listen there again', async () => {
    const first = await startEmulator();
    const port = Number(new URL(first.url).port);
    first.enqueue({ type: 'hang' });
    const hanging = mint(first).catch(() => 'failed');
    await expect.poll(() => first.calls.length).toBe(1);
    await first.close();
    expect(await hanging).toBe('failed');

    const second = await startEmulator({ port });
    try {
      expect(second.url).toBe(first.url);
      expect((await mint(second)).status).toBe(201);
    } finally {
      await second.close();
    }
  });

  it('closes idempotently', async () => {
    const emu = await startEmulator();
    await Promise.all([emu.close(), emu.close()]);
    await emu.close();
  });

  it('rejects when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const address = blocker.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      await expect(startEmulator({ port })).rejects.toMatchObject({ code: 'EADDRINUSE' });
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it.each<[EmulatorOptions, RegExp]>([
    [{ port: -1 }, /port/],
    [{ port: 1.5 }, /port/],
    [{ tokenTtlSeconds: 0 }, /tokenTtlSeconds/],
    [{ latencyMs: Number.NaN }, /latencyMs/],
    [{ appAccessToken: '  ' }, /appAccessToken/],
    [{ host: '' }, /host/],
  ])('refuses bad options %o, naming the option', async (options, message) => {
    await expect(startEmulator(options)).rejects.toThrow(message);
  });

  it('trims the configured AAT, as the library trims its own', async () => {
    const emu = await startEmulator({ appAccessToken: 'aat-1\n' });
    try {
      expect((await mint(emu, undefined, { auth: 'aat-1' })).status).toBe(201);
    } finally {
      await emu.close();
    }
  });

  it('answers odd request targets with 404 JSON', async () => {
    const emu = await startEmulator();
    try {
      const { request } = await import('node:http');
      for (const path of ['//', '//evil.example/internal/auth-tokens.create', '*']) {
        const status = await new Promise<number | undefined>((resolve, reject) => {
          const req = request(`${emu.url}/`, { method: 'POST', path }, (res) => {
            res.resume();
            resolve(res.statusCode);
          });
          req.on('error', reject);
          req.end();
        });
        expect(status).toBe(404);
      }
    } finally {
      await emu.close();
    }
  });

  it('survives garbage on the wire', async () => {
    const emu = await startEmulator();
    try {
      const { connect } = await import('node:net');
      const { port } = new URL(emu.url);
      await new Promise<void>((resolve) => {
        const socket = connect(Number(port), '127.0.0.1', () => {
          socket.end('GARBAGE \u0000\r\n\r\n');
        });
        socket.on('error', () => resolve());
        socket.on('close', () => resolve());
        socket.resume();
      });
      expect((await mint(emu)).status).toBe(201);
    } finally {
      await emu.close();
    }
  });
});
