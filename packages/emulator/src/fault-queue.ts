import type { EmulatorFault } from './types.js';

/** The faults waiting for token calls: a FIFO first, then the persistent one. */
export interface FaultQueue {
  enqueue(faults: readonly EmulatorFault[]): void;
  setPersistent(fault: EmulatorFault | undefined): void;
  /** The fault for the call that just arrived, if any. */
  next(): EmulatorFault | undefined;
}

export function createFaultQueue(): FaultQueue {
  const queue: EmulatorFault[] = [];
  let persistent: EmulatorFault | undefined;
  return {
    enqueue(faults) {
      // Check them all before queueing any, so a bad list leaves the queue as it was.
      const copies = faults.map(checkedFault);
      queue.push(...copies);
    },
    setPersistent(fault) {
      persistent = fault === undefined ? undefined : checkedFault(fault);
    },
    next() {
      return queue.shift() ?? persistent;
    },
  };
}

const nonNegative = (value: unknown): value is number =>
  typeof value === 'number' && Number.isFinite(value) && value >= 0;

/**
 * A frozen copy of a fault after checking it: faults come from tests and demos, often
 * plain JavaScript, and a typo should fail where it is made, not as a puzzling answer.
 */
function checkedFault(fault: EmulatorFault): EmulatorFault {
  const bad = (what: string) =>
    new TypeError(`Invalid emulator fault ${JSON.stringify(fault)}: ${what}`);
  switch (fault?.type) {
    case 'status':
      if (!Number.isInteger(fault.status) || fault.status < 200 || fault.status > 599) {
        throw bad('status must be an integer from 200 to 599');
      }
      if (fault.retryAfterSeconds !== undefined && !nonNegative(fault.retryAfterSeconds)) {
        throw bad('retryAfterSeconds must be a number >= 0');
      }
      break;
    case 'oversize':
      if (!Number.isInteger(fault.bytes) || fault.bytes < 0) {
        throw bad('bytes must be an integer >= 0');
      }
      break;
    case 'drip':
      if (fault.intervalMs !== undefined && !nonNegative(fault.intervalMs)) {
        throw bad('intervalMs must be a number >= 0');
      }
      break;
    case 'delay':
      if (!nonNegative(fault.ms)) throw bad('ms must be a number >= 0');
      break;
    case 'hang':
    case 'reset':
    case 'malformed':
    case 'no-token':
      break;
    default:
      throw bad(
        'type must be one of status, hang, reset, malformed, no-token, oversize, drip, delay',
      );
  }
  return Object.freeze({ ...fault });
}
