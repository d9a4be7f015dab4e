import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One scenario's figures: printed as one line, and kept in results/<file>.json. */
export interface SummaryRow {
  scenario: string;
  [figure: string]: string | number | boolean | undefined;
}

const RESULTS = fileURLToPath(new URL('../../results/', import.meta.url));

/**
 * Collects the figures of one test file. `print()` (in `afterAll`, once the console is no
 * longer captured) writes one line per scenario to stdout and the whole list to
 * `packages/reliability/results/<name>.json` (ignored by git; the README keeps the figures).
 */
export function createSummary(name: string) {
  const rows: SummaryRow[] = [];
  return {
    rows,
    add(row: SummaryRow): void {
      rows.push(row);
    },
    print(): void {
      const lines = rows.map(({ scenario, ...figures }) => {
        const text = Object.entries(figures)
          .filter(([, value]) => value !== undefined)
          .map(([key, value]) => `${key}=${value}`)
          .join(' ');
        return `[reliability] ${name} | ${scenario} | ${text}\n`;
      });
      process.stdout.write(lines.join(''));
      mkdirSync(RESULTS, { recursive: true });
      const at = new Date().toISOString();
      writeFileSync(`${RESULTS}${name}.json`, `${JSON.stringify({ at, rows }, null, 2)}\n`);
    },
  };
}

/** Milliseconds rounded for a summary. */
export const ms = (value: number): number => Math.round(value);
