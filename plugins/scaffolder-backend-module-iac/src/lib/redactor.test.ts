import { generateKeyPairSync, randomBytes } from 'node:crypto';
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

describe('issue 9 case 3: redaction on the stream', () => {
  const { privateKey } = generateKeyPairSync('ed25519');
  const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
  const longPem = [
    '-----BEGIN RSA PRIVATE KEY-----',
    ...Array.from({ length: 6 }, () => randomBytes(48).toString('base64')),
    'q83vEjRWeJA=',
    '-----END RSA PRIVATE KEY-----',
    '',
  ].join('\n');

  function streamLines(
    redact: ReturnType<typeof createRedactor>,
    pieces: string[],
  ) {
    const lines: { raw: string; redacted: string }[] = [];
    const stream = redact.createLineStream(line => lines.push(line), {
      maxLineLength: 1024,
    });
    pieces.forEach(piece => stream.write(piece));
    stream.end();
    return lines;
  }

  it('masks a multi-line key split across lines at every possible chunk boundary', () => {
    const redact = createRedactor([longPem]);
    const output = `starting\nkey: ${longPem}done\n`;
    const expected = [
      'starting',
      'key: ***',
      ...longPem
        .trimEnd()
        .split('\n')
        .slice(1)
        .map(() => '***'),
      'done',
    ];
    for (let cut = 0; cut <= output.length; cut++) {
      const lines = streamLines(redact, [
        output.slice(0, cut),
        output.slice(cut),
      ]);
      expect(lines.map(l => l.redacted)).toEqual(expected);
      expect(lines.map(l => l.raw).join('\n')).toBe(output.slice(0, -1));
    }
  });

  it('masks a multi-line secret whatever its line endings and indentation, and its key-material lines alone', () => {
    const redact = createRedactor([longPem]);
    const yaml = `tls:\r\n  key: |\r\n${longPem
      .trimEnd()
      .split('\n')
      .map(l => `    ${l}`)
      .join('\r\n')}\r\nnext: 1`;
    expect(redact(yaml)).toBe('tls:\r\n  key: |\r\n    ***\r\nnext: 1');

    const bodyLines = longPem.split('\n').slice(1, 3);
    expect(redact(`could not parse: ${bodyLines.join(' ')}`)).toBe(
      'could not parse: *** ***',
    );
    // The armour and the short last line are not key material on their own:
    // masking them would hide ordinary text.
    expect(redact('-----BEGIN RSA PRIVATE KEY----- q83vEjRWeJA=')).toBe(
      '-----BEGIN RSA PRIVATE KEY----- q83vEjRWeJA=',
    );
    expect(
      createRedactor(['first\n--------------------\nlast 123'])(
        '| -------------------- | last 123 |',
      ),
    ).toBe('| -------------------- | last 123 |');
    expect(createRedactor([pem])(pem.replace(/\n/g, '\r\n'))).toBe('***\r\n');
  });

  it('masks the base64 run that contains a secret at any of the three alignments', () => {
    const secret = 'k8s-token-Zx9!';
    const redact = createRedactor([secret]);
    for (const prefix of ['', 'a', 'ab', 'abc', 'user:', 'admin:']) {
      for (const suffix of ['', '\n', ':x', 'tail']) {
        const encoded = Buffer.from(`${prefix}${secret}${suffix}`).toString(
          'base64',
        );
        expect(redact(`data: ${encoded} end`)).toBe('data: *** end');
        const url = encoded.replace(/\+/g, '-').replace(/\//g, '_');
        expect(redact(`jwt=${url.replace(/=+$/, '')}.sig`)).toBe('jwt=***.sig');
      }
    }
    const header = `Authorization: Basic ${Buffer.from(
      `ci-bot:${secret}`,
    ).toString('base64')}\nnext\n`;
    for (let cut = 0; cut <= header.length; cut++) {
      const lines = streamLines(redact, [
        header.slice(0, cut),
        header.slice(cut),
      ]);
      expect(lines.map(l => l.redacted)).toEqual([
        'Authorization: Basic ***',
        'next',
      ]);
    }
  });

  it('masks the JSON spellings of Go and Python, once and twice escaped', () => {
    const secret = 'p&ss<wörd>\u2028';
    const redact = createRedactor([secret]);
    const go = 'p\\u0026ss\\u003cwörd\\u003e\\u2028';
    const python = 'p&ss<w\\u00f6rd>\\u2028';
    expect(redact(`{"@message":"value ${go}"}`)).toBe(
      '{"@message":"value ***"}',
    );
    expect(redact(`{"msg": "${python}"}`)).toBe('{"msg": "***"}');
    expect(redact(JSON.stringify({ detail: `{"v":"${go}"}` }))).toBe(
      '{"detail":"{\\"v\\":\\"***\\"}"}',
    );
  });

  it('never masks a secret shorter than 4 characters and warns once, by position or source, without the value', () => {
    const redact = createRedactor(['zq', 'long-secret', 'zq']);
    redact.add([{ value: 'x1', source: 'task secret "pin"' }]);
    const warnings: string[] = [];
    redact.onWarning(message => warnings.push(message));
    expect(redact('zq zqzq x1 long-secret')).toBe('zq zqzq x1 ***');
    expect(warnings).toEqual([
      'The secret value #1 is shorter than 4 characters and is not masked in the task log: masking it would garble every line that contains those characters',
      'The task secret "pin" is shorter than 4 characters and is not masked in the task log: masking it would garble every line that contains those characters',
    ]);
  });

  it('redacts a raw line logged while it is handled as the stream redacted it', () => {
    const redact = createRedactor([longPem]);
    const lines = streamLines(redact, [`x ${longPem}`]);
    const logged = lines.map(line =>
      redact.withLine(line, () => redact(line.raw)),
    );
    expect(logged.every(l => l === '***' || l === 'x ***')).toBe(true);
    expect(redact(lines[3].raw)).toBe('***');
  });
});
