import { InputError } from '@backstage/errors';
import {
  checkMatchers,
  formatMatcher,
  formatMatchers,
  missingMatchers,
  parseMatchers,
} from './matchers';
import { AlertmanagerMatcher } from './types';

const eq = (name: string, value: string): AlertmanagerMatcher => ({
  name,
  value,
  isEqual: true,
  isRegex: false,
});

describe('parseMatchers', () => {
  it('reads each operator, with values quoted or not', () => {
    expect(
      parseMatchers(
        'service="checkout", env=~"prod|staging", team!=payments, zone!~"eu-.*"',
      ),
    ).toEqual([
      { name: 'service', value: 'checkout', isEqual: true, isRegex: false },
      { name: 'env', value: 'prod|staging', isEqual: true, isRegex: true },
      { name: 'team', value: 'payments', isEqual: false, isRegex: false },
      { name: 'zone', value: 'eu-.*', isEqual: false, isRegex: true },
    ]);
  });

  it('keeps commas and braces inside quotes as part of the value', () => {
    expect(parseMatchers('team="a, b", job="{x}",service=checkout')).toEqual([
      eq('team', 'a, b'),
      eq('job', '{x}'),
      eq('service', 'checkout'),
    ]);
  });

  it('resolves the escapes \\" \\\\ and \\n, and keeps a backslash before anything else', () => {
    expect(
      parseMatchers(
        String.raw`quote="She said: \"Hi, all\"", path="C:\\temp", lines="a\nb", digits=~"\d+\.\d+"`,
      ),
    ).toEqual([
      eq('quote', 'She said: "Hi, all"'),
      eq('path', 'C:\\temp'),
      eq('lines', 'a\nb'),
      { name: 'digits', value: '\\d+\\.\\d+', isEqual: true, isRegex: true },
    ]);
  });

  it('accepts braces, spaces around every part, a trailing comma and empty values', () => {
    expect(
      parseMatchers('  { service = "checkout" ,  env != "" ,  }  '),
    ).toEqual([
      eq('service', 'checkout'),
      { name: 'env', value: '', isEqual: false, isRegex: false },
    ]);
    expect(parseMatchers('namespace:pod="a b"')).toEqual([
      eq('namespace:pod', 'a b'),
    ]);
  });

  it("accepts RE2's inline flags and named groups", () => {
    expect(
      parseMatchers(
        'env=~"(?i)prod", host=~"(?P<site>[a-z]+)-\\d+", zone=~"(?s:eu.*)"',
      ).map(m => m.value),
    ).toEqual(['(?i)prod', '(?P<site>[a-z]+)-\\d+', '(?s:eu.*)']);
  });

  it.each([
    ['', 'it has no matcher'],
    ['{}', 'it has no matcher'],
    ['service', '"service" is not a matcher'],
    ['service:"checkout"', 'is not a matcher'],
    ['="checkout"', 'has no label name before ='],
    ['1service="checkout"', '"1service" is not a label name'],
    ['my-service="checkout"', '"my-service" is not a label name'],
    ['service="checkout', 'has no closing double quote'],
    ['service="check\\"', 'has no closing double quote'],
    ['service="check"out"', 'contains a double quote'],
    ['service=check"out', 'contains a double quote'],
    ['{service="checkout"', 'the opening { has no closing }'],
    ['service="a",,env="b"', 'empty matcher between two commas'],
    ['env=~"prod|(staging"', 'the regex "prod|(staging" is not valid'],
    ['env=~"(?=prod)"', 'lookahead or lookbehind'],
    ['env=~"(a)\\1"', 'backreference'],
  ])('refuses %j with an InputError that quotes it', (text, problem) => {
    let error: unknown;
    try {
      parseMatchers(text, 'annotation multicloud.io/alert-matchers');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InputError);
    const message = (error as Error).message;
    expect(message).toContain(
      `Invalid annotation multicloud.io/alert-matchers ${JSON.stringify(text)}`,
    );
    expect(message).toContain(problem);
    expect(message).toContain('service="checkout", env=~"prod|staging"');
  });
});

describe('formatMatchers', () => {
  it('writes matchers that parse back to the same matchers', () => {
    const matchers: AlertmanagerMatcher[] = [
      eq('quote', 'She said: "Hi, all"'),
      eq('path', 'C:\\temp\\'),
      eq('lines', 'a\nb'),
      { name: 'digits', value: '\\d+', isEqual: false, isRegex: true },
      { name: 'empty', value: '', isEqual: false, isRegex: false },
    ];
    const text = formatMatchers(matchers);
    expect(text).toBe(
      String.raw`{quote="She said: \"Hi, all\"",path="C:\\temp\\",lines="a\nb",digits!~"\\d+",empty!=""}`,
    );
    expect(parseMatchers(text)).toEqual(matchers);
    expect(formatMatcher(matchers[3])).toBe(String.raw`digits!~"\\d+"`);
  });
});

describe('checkMatchers', () => {
  it('accepts valid matchers and refuses bad ones as data', () => {
    expect(() =>
      checkMatchers([eq('service', 'x')], 'silence matchers'),
    ).not.toThrow();
    expect(() => checkMatchers([], 'silence matchers')).toThrow(
      'Invalid silence matchers: at least one matcher is needed',
    );
    expect(() =>
      checkMatchers(
        [{ name: 'service', value: 1 } as unknown as AlertmanagerMatcher],
        'silence matchers',
      ),
    ).toThrow('matcher 0 needs a string name and value');
    expect(() => checkMatchers([eq('bad name', 'x')])).toThrow(
      '"bad name" is not a label name',
    );
    expect(() =>
      checkMatchers([
        { name: 'env', value: '[', isEqual: true, isRegex: true },
      ]),
    ).toThrow(InputError);
  });
});

describe('missingMatchers', () => {
  it('lists the required matchers that are not there exactly', () => {
    const required = [
      eq('service', 'checkout'),
      { name: 'env', value: 'prod', isEqual: true, isRegex: true },
    ];
    expect(
      missingMatchers([...required, eq('alertname', 'Down')], required),
    ).toEqual([]);
    expect(
      missingMatchers(
        [
          eq('service', 'checkout'),
          { name: 'env', value: 'prod', isEqual: true, isRegex: false },
        ],
        required,
      ),
    ).toEqual([required[1]]);
    expect(missingMatchers([eq('service', 'payments')], required)).toEqual(
      required,
    );
  });
});
