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

/** Offers `text` as a download named `fileName`. */
export function downloadCsv(fileName: string, text: string) {
  const url = URL.createObjectURL(
    new Blob([text], { type: 'text/csv;charset=utf-8' }),
  );
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
