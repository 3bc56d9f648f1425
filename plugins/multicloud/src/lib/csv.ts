import { downloadFile } from './download';

/**
 * CSV of table rows, safe to open in a spreadsheet: every text cell is
 * quoted, and a text cell that a spreadsheet would run as a formula (it
 * starts with `=`, `+`, `-`, `@`, a tab or a carriage return: resource names
 * and tags come from cloud accounts, not from us) gets a leading `'`.
 * Numbers are written as they are, with a dot.
 */
export function toCsv(
  rows: ReadonlyArray<ReadonlyArray<string | number | null>>,
): string {
  return `${rows
    .map(row =>
      row
        .map(cell => {
          if (cell === null) {
            return '';
          }
          if (typeof cell === 'number') {
            return Number.isFinite(cell) ? String(cell) : '';
          }
          const text = /^[=+\-@\t\r]/.test(cell) ? `'${cell}` : cell;
          return `"${text.replace(/"/g, '""')}"`;
        })
        .join(','),
    )
    .join('\r\n')}\r\n`;
}

/** Offers `text` as a CSV download named `fileName`. */
export function downloadCsv(fileName: string, text: string) {
  downloadFile(new Blob([text], { type: 'text/csv;charset=utf-8' }), fileName);
}
