import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSerialRunner } from '../src/serial-runner.js';

/** An action that records when it starts and ends, and ends when the test says so. */
function gatedAction(log: string[], name: string) {
  let finish = () => {};
  const action = () =>
    new Promise<void>((resolve) => {
      log.push(`${name} start`);
      finish = () => {
        log.push(`${name} end`);
        resolve();
      };
    });
  return { action, finish: () => finish() };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('the serial runner behind identify() and shutdown()', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('runs one action at a time', async () => {
    const run = createSerialRunner();
    const log: string[] = [];
    const a = gatedAction(log, 'a');
    const b = gatedAction(log, 'b');
    const first = run(a.action);
    await settle();
    const second = run(b.action);
    await settle();
    expect(log).toEqual(['a start']);
    a.finish();
    await first;
    await settle();
    expect(log).toEqual(['a start', 'a end', 'b start']);
    b.finish();
    await second;
  });

  it('merges the calls made during a run into one follow-up that does what the last asked', async () => {
    const run = createSerialRunner();
    const log: string[] = [];
    const a = gatedAction(log, 'a');
    const b = gatedAction(log, 'b');
    const c = gatedAction(log, 'c');
    const first = run(a.action);
    await settle();
    const second = run(b.action);
    const third = run(c.action);
    expect(third).toBe(second);
    a.finish();
    await settle();
    c.finish();
    await Promise.all([first, second, third]);
    expect(log).toEqual(['a start', 'a end', 'c start', 'c end']);
  });

  it('merges a call made before the first run started into that run', async () => {
    const run = createSerialRunner();
    const log: string[] = [];
    const a = gatedAction(log, 'a');
    const b = gatedAction(log, 'b');
    const first = run(a.action);
    const second = run(b.action);
    expect(second).toBe(first);
    await settle();
    b.finish();
    await first;
    expect(log).toEqual(['b start', 'b end']);
  });

  it('goes on after an action that rejects, with one warning and no rejection', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const run = createSerialRunner();
    await expect(run(() => Promise.reject(new Error('boom')))).resolves.toBeUndefined();
    let ran = false;
    await run(async () => {
      ran = true;
    });
    expect(ran).toBe(true);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(/^\[plug-session\] /);
  });
});
