import { createRedactor } from './redactor';

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
