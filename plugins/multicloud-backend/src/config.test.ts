import { ConfigReader } from '@backstage/config';
import { readExchangeRates } from './config';

const read = (currency: object) =>
  readExchangeRates(new ConfigReader({ multicloud: { cost: { currency } } }));

describe('readExchangeRates', () => {
  it('is undefined without a display currency', () => {
    expect(readExchangeRates(new ConfigReader({}))).toBeUndefined();
    expect(read({})).toBeUndefined();
  });

  it('reads the display currency and the rates by month, latest first, codes upper-cased', () => {
    const rates = read({
      display: 'usd',
      exchangeRates: {
        EUR: { '2026-10': 1.08, '2026-11': 1.06 },
        gbp: { '2026-11': '1.27' },
        CHF: {},
      },
    });
    expect(rates?.display).toBe('USD');
    expect(Object.fromEntries(rates!.rates)).toEqual({
      EUR: [
        { month: '2026-11', rate: 1.06 },
        { month: '2026-10', rate: 1.08 },
      ],
      GBP: [{ month: '2026-11', rate: 1.27 }],
      CHF: [],
    });
    expect(read({ display: 'EUR' })).toEqual({
      display: 'EUR',
      rates: new Map(),
    });
  });

  it('merges the rates of several config files', () => {
    const rates = readExchangeRates(
      ConfigReader.fromConfigs([
        {
          context: 'app-config.yaml',
          data: {
            multicloud: {
              cost: {
                currency: {
                  display: 'USD',
                  exchangeRates: { EUR: { '2026-10': 1.08 } },
                },
              },
            },
          },
        },
        {
          context: 'app-config.production.yaml',
          data: {
            multicloud: {
              cost: {
                currency: { exchangeRates: { EUR: { '2026-11': 1.06 } } },
              },
            },
          },
        },
      ]),
    );
    expect(rates?.rates.get('EUR')).toEqual([
      { month: '2026-11', rate: 1.06 },
      { month: '2026-10', rate: 1.08 },
    ]);
  });

  it.each([
    [
      { display: 'US$' },
      'multicloud.cost.currency.display must be an ISO 4217 currency code of three letters, such as USD or EUR; got "US$"',
    ],
    [
      { exchangeRates: { EUR: { '2026-10': 1.08 } } },
      'multicloud.cost.currency.exchangeRates needs multicloud.cost.currency.display, the currency they convert into',
    ],
    [
      { display: 'USD', exchangeRates: { EURO: { '2026-10': 1.08 } } },
      'The key multicloud.cost.currency.exchangeRates.EURO must be an ISO 4217 currency code of three letters, such as USD or EUR; got "EURO"',
    ],
    [
      { display: 'USD', exchangeRates: { USD: { '2026-10': 1 } } },
      'multicloud.cost.currency.exchangeRates.USD: USD is the display currency, whose rate is always 1; remove it',
    ],
    [
      {
        display: 'USD',
        exchangeRates: { EUR: { '2026-10': 1 }, eur: { '2026-11': 1 } },
      },
      'multicloud.cost.currency.exchangeRates has EUR twice, in different cases',
    ],
    [
      { display: 'USD', exchangeRates: { EUR: 1.08 } },
      "multicloud.cost.currency.exchangeRates.EUR must map months (YYYY-MM) to rates, such as { '2026-10': 1.08 }",
    ],
    [
      { display: 'USD', exchangeRates: ['EUR'] },
      "multicloud.cost.currency.exchangeRates must map currency codes to rates by month, such as { EUR: { '2026-10': 1.08 } }",
    ],
    [
      { display: 'USD', exchangeRates: { EUR: { '2026-13': 1.08 } } },
      'multicloud.cost.currency.exchangeRates.EUR has "2026-13", which is not a month as YYYY-MM, such as 2026-10',
    ],
    [
      { display: 'USD', exchangeRates: { EUR: { '2026-10-01': 1.08 } } },
      'multicloud.cost.currency.exchangeRates.EUR has "2026-10-01", which is not a month as YYYY-MM, such as 2026-10',
    ],
    [
      { display: 'USD', exchangeRates: { EUR: { '2026-10': 0 } } },
      'multicloud.cost.currency.exchangeRates.EUR.2026-10 must be a positive number (units of the display currency per unit of the currency); got 0',
    ],
    [
      { display: 'USD', exchangeRates: { EUR: { '2026-10': -1.08 } } },
      'multicloud.cost.currency.exchangeRates.EUR.2026-10 must be a positive number (units of the display currency per unit of the currency); got -1.08',
    ],
    [
      { display: 'USD', exchangeRates: { EUR: { '2026-10': 'about 1' } } },
      'multicloud.cost.currency.exchangeRates.EUR.2026-10 must be a positive number (units of the display currency per unit of the currency); got "about 1"',
    ],
    [
      { display: 'USD', exchangeRates: { EUR: { '2026-10': 'Infinity' } } },
      'multicloud.cost.currency.exchangeRates.EUR.2026-10 must be a positive number (units of the display currency per unit of the currency); got "Infinity"',
    ],
  ])('refuses %j', (currency, message) => {
    expect(() => read(currency)).toThrow(message);
  });
});
