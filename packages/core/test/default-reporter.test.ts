import { describe, expect, it, vi } from 'vitest';
import { createDefaultReporter, loggerSink } from '../src/engine/default-reporter.js';
import { PlugSessionError } from '../src/errors.js';

describe('the default onError', () => {
  it('warns once per code and cause, not once per request', () => {
    const sink = vi.fn();
    const report = createDefaultReporter(sink);
    const timeout = new PlugSessionError('TIMEOUT', 'DevRev did not answer within 2000 ms');
    report(timeout, 'req-1');
    report(new PlugSessionError('TIMEOUT', 'DevRev did not answer within 2000 ms'), 'req-2');
    report(new PlugSessionError('UNAUTHORIZED', 'the AAT was rejected'), 'req-3');
    expect(sink).toHaveBeenCalledTimes(2);
    expect(sink.mock.calls[0]?.[0]).toBe(
      '[plug-session] TIMEOUT: DevRev did not answer within 2000 ms',
    );
    expect(sink.mock.calls[0]?.[2]).toBe('req-1');
  });

  it('writes to console.warn when no sink is given', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      createDefaultReporter()(new PlugSessionError('NETWORK', 'reset'), undefined);
      expect(warn).toHaveBeenCalledWith('[plug-session] NETWORK: reset');
    } finally {
      warn.mockRestore();
    }
  });

  it('writes through the request’s own logger as warn({ err }, message) when it has one', () => {
    const warn = vi.fn();
    const report = createDefaultReporter(loggerSink((req: { log?: unknown }) => req.log));
    const error = new PlugSessionError('TIMEOUT', 'DevRev did not answer within 2000 ms');
    report(error, { log: { warn } });
    expect(warn).toHaveBeenCalledWith(
      { err: error },
      '[plug-session] TIMEOUT: DevRev did not answer within 2000 ms',
    );
  });

  it('falls back to console.warn when the request has no logger, or its logger fails', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      const sink = loggerSink((req: { log?: unknown }) => req.log);
      const error = new PlugSessionError('NETWORK', 'reset');
      const throwing = {
        warn() {
          throw new Error('the log stream is closed');
        },
      };
      for (const log of [undefined, null, 'a string', { info() {} }, throwing]) {
        sink('[plug-session] NETWORK: reset', error, { log });
      }
      sink('[plug-session] NETWORK: reset', error, {
        get log(): unknown {
          throw new Error('no logger here');
        },
      });
      expect(warn).toHaveBeenCalledTimes(6);
      expect(warn).toHaveBeenLastCalledWith('[plug-session] NETWORK: reset');
    } finally {
      warn.mockRestore();
    }
  });
});
