/*
 * Reads a gzipped FOCUS export (CSV with a header line, strings quoted, `""`
 * for a quote inside them) into rows, for the tests that check resource ids
 * against the FOCUS sample and the demo cost export.
 */
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';

/** Rows of a CSV file with a header line, quoted as the FOCUS sample quotes. */
export function readCsv(text: string): Array<Record<string, string>> {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c === '"') {
      quoted = true;
    } else if (c === ',') {
      row.push(field);
      field = '';
    } else if (c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else if (c !== '\r') {
      field += c;
    }
  }
  if (field || row.length) {
    row.push(field);
    rows.push(row);
  }
  const [header, ...body] = rows;
  return body.map(values =>
    Object.fromEntries(header.map((name, i) => [name, values[i]])),
  );
}

/** The rows of a gzipped FOCUS CSV file. */
export function readFocusFile(path: string): Array<Record<string, string>> {
  return readCsv(gunzipSync(readFileSync(path)).toString());
}
