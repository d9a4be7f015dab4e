/**
 * Reports one failure with one `console.warn`: the library never throws into the page, so a
 * warning in the console is how a developer learns why the widget did not (re)start.
 */
export function warn(message: string, cause?: unknown): void {
  if (cause === undefined) console.warn(`[plug-session] ${message}`);
  else console.warn(`[plug-session] ${message}`, cause);
}
