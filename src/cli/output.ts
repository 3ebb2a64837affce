import type { CliIo } from './command.ts';

/** Prints an object as pretty JSON (the CLI's machine-readable output). */
export function printJson(io: CliIo, value: unknown): void {
  io.stdout(`${JSON.stringify(value, null, 2)}\n`);
}

/** Prints rows as an aligned plain-text table. */
export function printTable(io: CliIo, rows: Array<Record<string, unknown>>, columns: string[]): void {
  const cells = rows.map((row) => columns.map((c) => String(row[c] ?? '')));
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((r) => r[i].length)));
  const line = (values: string[]) =>
    values
      .map((v, i) => v.padEnd(widths[i]))
      .join('  ')
      .trimEnd();
  io.stdout(`${line(columns)}\n`);
  for (const r of cells) io.stdout(`${line(r)}\n`);
}
