import { describe, expect, it, vi } from 'vitest';
import { createDefaultReporter } from '../src/engine/default-reporter.js';
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
});
