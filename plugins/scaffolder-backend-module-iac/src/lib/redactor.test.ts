import { collectStrings, createRedactor } from './redactor';

describe('createRedactor', () => {
  it('masks every occurrence of each secret', () => {
    const redact = createRedactor(['s3cr3t-token', 'hunter2']);
    expect(
      redact('token=s3cr3t-token password=hunter2 again=s3cr3t-token'),
    ).toBe('token=*** password=*** again=***');
  });

  it('masks the JSON-escaped and URL-encoded spellings that tools print', () => {
    const secret = 'p@ss "word"/+';
    const redact = createRedactor([secret]);
    const jsonLine = JSON.stringify({ '@message': `value ${secret}` });
    expect(redact(jsonLine)).toBe('{"@message":"value ***"}');
    expect(
      redact(`postgres://admin:${encodeURIComponent(secret)}@db/app`),
    ).toBe('postgres://admin:***@db/app');
  });

  it('masks a secret that contains another secret as a whole', () => {
    const redact = createRedactor(['abc', 'xxabcxx']);
    expect(redact('value xxabcxx')).toBe('value ***');
  });

  it('treats regular-expression characters in secrets literally', () => {
    const redact = createRedactor(['a.b*c']);
    expect(redact('a.b*c aXbbc')).toBe('*** aXbbc');
  });

  it('leaves lines alone when there are no secrets', () => {
    expect(createRedactor([undefined, ''])('plain line')).toBe('plain line');
  });
});

describe('createRedactor, extended', () => {
  it('masks base64 and doubly JSON-escaped spellings', () => {
    const secret = 'pa"ss\\word';
    const redact = createRedactor([secret]);
    const nested = JSON.stringify({
      detail: JSON.stringify({ password: secret }),
    });
    expect(redact(nested)).toBe('{"detail":"{\\"password\\":\\"***\\"}"}');
    expect(redact(`data: ${Buffer.from(secret).toString('base64')}`)).toBe(
      'data: ***',
    );
  });

  it('learns secrets while running', () => {
    const redact = createRedactor();
    expect(redact('output token-abc')).toBe('output token-abc');
    redact.add(['token-abc', undefined]);
    expect(redact('output token-abc')).toBe('output ***');
  });

  it('redacts every string of a JSON value, keys included', () => {
    const redact = createRedactor(['s3cr3t']);
    expect(
      redact.redactValue({
        url: 'https://u:s3cr3t@host',
        list: ['s3cr3t', 1, true, null],
        s3cr3t: 'key',
      }),
    ).toEqual({
      url: 'https://u:***@host',
      list: ['***', 1, true, null],
      '***': 'key',
    });
  });

  it('redacts error messages and stacks, keeping the error name', () => {
    const redact = createRedactor(['s3cr3t']);
    const error = new TypeError('failed with s3cr3t');
    const redacted = redact.redactError(error);
    expect(redacted.message).toBe('failed with ***');
    expect(redacted.name).toBe('TypeError');
    expect(redacted.stack).not.toContain('s3cr3t');
  });
});

describe('collectStrings', () => {
  it('finds nested strings and skips numbers and booleans', () => {
    expect(collectStrings({ a: 'x', b: [{ c: 'y' }, 2, false] })).toEqual([
      'x',
      'y',
    ]);
  });
});
