/**
 * @typedef {object} Log where an example app writes (console by default; tests capture it)
 * @property {(message: string) => void} info
 * @property {(message: string) => void} error
 */

/** @type {Log} */
export const consoleLog = {
  info: (message) => console.log(message),
  error: (message) => console.error(message),
};

/**
 * An `onError` for plug-session that says why a visitor got no session token: the error's
 * code and its message (which already says what to do); for an invalid rev_info, each
 * problem on its own line. plug-session never puts the AAT in an error, so this is safe.
 *
 * @param {Log} log
 * @returns {(error: { code: string, message: string, issues?: { path: string, message: string }[] }, where: string) => void}
 */
export function plugErrorReporter(log) {
  return (error, where) => {
    const issues = error.issues ?? [];
    if (issues.length === 0) {
      log.error(`[plug-session] ${error.code} on ${where}: ${error.message}`);
      return;
    }
    // The message lists the problems on one line; one per line reads better in a log.
    const lines = [
      `[plug-session] ${error.code} on ${where}: the rev_info has ${issues.length} problem(s), so no call was made to DevRev:`,
      ...issues.map((issue) => `  - ${issue.path || 'rev_info'}: ${issue.message}`),
    ];
    log.error(lines.join('\n'));
  };
}
