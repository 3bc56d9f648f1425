import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes text, writes numbers as they are, and leaves empty what is missing', () => {
    expect(
      toCsv([
        ['Service', 'Cost'],
        ['Amazon "Simple" Storage, Service', 1234.5],
        [null, Number.NaN],
      ]),
    ).toBe(
      '"Service","Cost"\r\n"Amazon ""Simple"" Storage, Service",1234.5\r\n,\r\n',
    );
  });

  it('keeps a spreadsheet from running a cell that looks like a formula', () => {
    expect(
      toCsv([
        ['=HYPERLINK("http://evil")', '+1', '-2', '@SUM(A1)', '\tx', 'a=b'],
      ]),
    ).toBe(
      `"'=HYPERLINK(""http://evil"")","'+1","'-2","'@SUM(A1)","'\tx","a=b"\r\n`,
    );
  });
});
