// The page the runtime app serves, shared with the check so that it can tell an untouched
// page from an injected one byte for byte. No imports: it loads on every runtime and on Node.

/** The HTML page at `/` (and, streamed in pieces, at `/stream`). */
export const PAGE =
  '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>plug-session runtime check</title></head>' +
  '<body><h1>Hello, caf\u00e9 visitor</h1><p>The same Hono app, on every runtime.</p></body></html>';

/**
 * The page cut into pieces for `/stream`, one of them ending in the middle of `</body>`, so
 * that the injector must find a closing tag split across two chunks on every runtime.
 * @returns {string[]}
 */
export function pageChunks() {
  const split = PAGE.lastIndexOf('</body>') + 4;
  return [PAGE.slice(0, 40), PAGE.slice(40, split), PAGE.slice(split)];
}
