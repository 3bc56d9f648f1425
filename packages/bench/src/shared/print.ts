import os from 'node:os';

/*
 * Measuring and printing helpers every bench shares.
 */

/** Percentile of sorted values (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) {
    return NaN;
  }
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The machine's load averages, to say whether it was busy. */
export function loadAverage(): string {
  return os
    .loadavg()
    .map(l => l.toFixed(2))
    .join(', ');
}

export function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(0)} MiB`;
}

export function seconds(milliseconds: number): string {
  return `${(milliseconds / 1000).toFixed(1)} s`;
}

export function ms(value: number): string {
  return `${value.toFixed(value < 10 ? 1 : 0)} ms`;
}

export function int(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

/** A plain text table; numbers (and cells that look like them) are right-aligned. */
export function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) =>
    Math.max(h.length, ...rows.map(r => (r[i] ?? '').length)),
  );
  const numeric = (cell: string) =>
    /^[-+<>]?[\d,.]+( ?[a-zA-Z/%]+)?$/.test(cell) || cell === '-';
  const line = (cells: string[]) =>
    `  ${cells
      .map((cell, i) =>
        i > 0 && numeric(cell)
          ? cell.padStart(widths[i])
          : cell.padEnd(widths[i]),
      )
      .join('  ')
      .trimEnd()}`;
  return [
    line(header),
    `  ${widths.map(w => '-'.repeat(w)).join('  ')}`,
    ...rows.map(line),
  ].join('\n');
}

export function sleep(milliseconds: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, milliseconds));
}
