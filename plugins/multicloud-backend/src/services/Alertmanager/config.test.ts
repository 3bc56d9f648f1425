import { ConfigReader } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DEFAULT_MAX_SILENCE_DURATION_MS,
  DEFAULT_TIMEOUT_MS,
  readAlertmanagerConfig,
} from './config';

const read = (alertmanager: unknown) =>
  readAlertmanagerConfig(
    new ConfigReader({ multicloud: { alerts: { alertmanager } } } as any),
  );

describe('readAlertmanagerConfig', () => {
  it('is off without instances', () => {
    expect(readAlertmanagerConfig(new ConfigReader({}))).toEqual({
      instances: [],
      maxSilenceDurationMs: DEFAULT_MAX_SILENCE_DURATION_MS,
    });
  });

  it('reads instances with their defaults', () => {
    expect(
      read({
        maxSilenceDuration: { days: 7 },
        instances: [
          { id: 'prod', url: 'http://alertmanager.monitoring:9093/' },
          {
            id: 'staging',
            url: 'https://alertmanager.staging.internal/am',
            externalUrl: 'https://alerts.example.com/',
            headers: { Authorization: 'Bearer t0ken' },
            timeout: '2s',
          },
        ],
      }),
    ).toEqual({
      maxSilenceDurationMs: 7 * 24 * 3600 * 1000,
      instances: [
        {
          id: 'prod',
          url: 'http://alertmanager.monitoring:9093',
          externalUrl: 'http://alertmanager.monitoring:9093',
          headers: {},
          timeoutMs: DEFAULT_TIMEOUT_MS,
        },
        {
          id: 'staging',
          url: 'https://alertmanager.staging.internal/am',
          externalUrl: 'https://alerts.example.com',
          headers: { Authorization: 'Bearer t0ken' },
          timeoutMs: 2000,
        },
      ],
    });
  });

  it.each([
    [
      { instances: [{ id: 'a:b', url: 'http://x' }] },
      "instances[0].id must be letters, digits, '.', '_' or '-'",
    ],
    [
      {
        instances: [
          { id: 'prod', url: 'http://x' },
          { id: 'prod', url: 'http://y' },
        ],
      },
      "instances[1].id 'prod' is used by another instance",
    ],
    [
      { instances: [{ id: 'prod', url: 'alertmanager:9093' }] },
      'instances[0].url must be an http or https URL',
    ],
    [
      { instances: [{ id: 'prod', url: 'not a url' }] },
      'instances[0].url must be an absolute http(s) URL',
    ],
    [
      { instances: [{ id: 'prod', url: 'http://x/?a=b' }] },
      'must be a base URL without a query',
    ],
    [
      { instances: [{ id: 'prod', url: 'http://x', externalUrl: 'ftp://x' }] },
      'instances[0].externalUrl must be an http or https URL',
    ],
    [
      { instances: [{ id: 'prod', url: 'http://x', timeout: { seconds: 0 } }] },
      'instances[0].timeout must be a positive duration',
    ],
    [
      {
        instances: [
          { id: 'prod', url: 'http://x', headers: { 'Bad Name': 'v' } },
        ],
      },
      "has 'Bad Name', which is not a valid HTTP header name",
    ],
    [
      { instances: [], maxSilenceDuration: { hours: -1 } },
      'multicloud.alerts.alertmanager.maxSilenceDuration must be a positive duration',
    ],
  ])('refuses %j', (config, message) => {
    expect(() => read(config)).toThrow(InputError);
    expect(() => read(config)).toThrow(message);
  });

  it('refuses credentials in a url without repeating them', () => {
    let error: Error | undefined;
    try {
      read({ instances: [{ id: 'prod', url: 'http://ops:hunter2@x:9093' }] });
    } catch (e) {
      error = e as Error;
    }
    expect(error).toBeInstanceOf(InputError);
    expect(error?.message).toContain(
      "must not carry credentials; put them in the instance's headers",
    );
    expect(error?.message).not.toContain('hunter2');
  });
});
