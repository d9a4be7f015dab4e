import { afterEach, beforeEach, expect } from 'vitest';
import { captureLogs, type LogCapture } from '../../../conformance/src/support/logs.js';
import { Evidence } from './evidence.js';

/**
 * Registers the per-test evidence hooks: before each test, logs are captured and a fresh
 * {@link Evidence} is handed to `use`; after it, every captured line is searched and the test
 * fails on any problem found (`message` says what was looked for).
 */
export function evidencePerTest(
  use: (evidence: Evidence, logs: LogCapture) => void,
  message?: string,
): void {
  let current: { evidence: Evidence; logs: LogCapture } | undefined;
  beforeEach(() => {
    current = { evidence: new Evidence(), logs: captureLogs() };
    use(current.evidence, current.logs);
  });
  afterEach(() => {
    if (!current) return;
    const { evidence, logs } = current;
    evidence.logs(logs.lines);
    logs.restore();
    expect(evidence.problems, message).toEqual([]);
  });
}
