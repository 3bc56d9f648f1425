import { mockApis, registerMswTestHooks } from '@backstage/frontend-test-utils';
import { ResponseError } from '@backstage/errors';
import { HttpResponse, JsonBodyType, http } from 'msw';
import { setupServer } from 'msw/node';
import { MulticloudClient } from './MulticloudClient';

const baseUrl = 'http://backstage.test/api/multicloud';

describe('MulticloudClient', () => {
  const server = setupServer();
  registerMswTestHooks(server);

  const client = new MulticloudClient({
    discoveryApi: mockApis.discovery({ baseUrl: 'http://backstage.test' }),
    fetchApi: mockApis.fetch(),
  });

  /** Answers every request with `body` and remembers what was asked. */
  function recordRequests(body: JsonBodyType, status = 200) {
    const requests: Array<{ method: string; url: string; body: string }> = [];
    server.use(
      http.all(`${baseUrl}/*`, async ({ request }) => {
        requests.push({
          method: request.method,
          url: request.url,
          body: await request.text(),
        });
        return status === 204
          ? new HttpResponse(null, { status })
          : HttpResponse.json(body, { status });
      }),
    );
    return requests;
  }

  it('asks for the cost of an entity with every parameter in the query', async () => {
    const requests = recordRequests({ total: 12 });

    await expect(
      client.getEntityCost({
        entityRef: 'component:default/checkout',
        from: '2025-03-01',
        to: '2025-03-15',
        groupBy: 'resource',
        metric: 'billed',
      }),
    ).resolves.toEqual({ total: 12 });

    expect(requests).toEqual([
      {
        method: 'GET',
        url: `${baseUrl}/cost/entity?entityRef=component%3Adefault%2Fcheckout&from=2025-03-01&to=2025-03-15&groupBy=resource&metric=billed`,
        body: '',
      },
    ]);
  });

  it('leaves unset parameters out of the summary query', async () => {
    const requests = recordRequests({ total: 1 });

    await client.getCostSummary({
      from: '2025-02-01',
      to: '2025-02-28',
      groupBy: 'owner',
    });

    expect(requests[0].url).toBe(
      `${baseUrl}/cost/summary?from=2025-02-01&to=2025-02-28&groupBy=owner`,
    );
  });

  it('asks for a topology with each group to expand as its own parameter', async () => {
    const requests = recordRequests({ nodes: [] });

    await expect(
      client.getTopology({
        entityRef: 'system:default/shop',
        depth: 3,
        direction: 'both',
        expand: ['g2', 'g5'],
      }),
    ).resolves.toEqual({ nodes: [] });

    expect(requests).toEqual([
      {
        method: 'GET',
        url: `${baseUrl}/topology?entityRef=system%3Adefault%2Fshop&depth=3&direction=both&expand=g2&expand=g5`,
        body: '',
      },
    ]);
  });

  it('leaves the depth, direction and expanded groups to the backend when unset', async () => {
    const requests = recordRequests({ nodes: [] });

    await client.getTopology({ entityRef: 'component:default/checkout' });

    expect(requests[0].url).toBe(
      `${baseUrl}/topology?entityRef=component%3Adefault%2Fcheckout`,
    );
  });

  it('puts a budget as JSON', async () => {
    const budget = {
      entityRef: 'system:default/shop',
      amount: 1500,
      currency: 'EUR',
    };
    const requests = recordRequests(budget);

    await expect(client.setBudget(budget)).resolves.toEqual(budget);

    expect(requests).toEqual([
      {
        method: 'PUT',
        url: `${baseUrl}/cost/budgets`,
        body: JSON.stringify(budget),
      },
    ]);
  });

  it('deletes a budget by entity ref', async () => {
    const requests = recordRequests(null, 204);

    await expect(
      client.deleteBudget('group:default/team-a'),
    ).resolves.toBeUndefined();

    expect(requests).toEqual([
      {
        method: 'DELETE',
        url: `${baseUrl}/cost/budgets?entityRef=group%3Adefault%2Fteam-a`,
        body: '',
      },
    ]);
  });

  it('asks for the alerts of an entity with each filter value as its own parameter', async () => {
    const requests = recordRequests({ alerts: [] });

    await expect(
      client.getAlerts({
        entityRef: 'component:default/checkout',
        status: ['open', 'acknowledged'],
        source: ['alertmanager'],
        severity: ['critical', 'warning'],
      }),
    ).resolves.toEqual({ alerts: [] });

    expect(requests).toEqual([
      {
        method: 'GET',
        url: `${baseUrl}/alerts?entityRef=component%3Adefault%2Fcheckout&status=open&status=acknowledged&source=alertmanager&severity=critical&severity=warning`,
        body: '',
      },
    ]);
  });

  it('leaves unset alert filters out of the query', async () => {
    const requests = recordRequests({ alerts: [] });

    await client.getAlerts({ entityRef: 'group:default/payments' });

    expect(requests[0].url).toBe(
      `${baseUrl}/alerts?entityRef=group%3Adefault%2Fpayments`,
    );
  });

  it('reads the alerts summary and the history of an alert by its escaped id', async () => {
    const requests = recordRequests({ teams: [] });

    await expect(client.getAlertsSummary()).resolves.toEqual({ teams: [] });
    await client.getAlertHistory('alertmanager:eu/1f2e 3d');

    expect(requests.map(r => `${r.method} ${r.url}`)).toEqual([
      `GET ${baseUrl}/alerts/summary`,
      `GET ${baseUrl}/alerts/alertmanager%3Aeu%2F1f2e%203d/history`,
    ]);
  });

  it('posts each lifecycle action with its body as JSON', async () => {
    const alert = { id: 'a1', status: 'acknowledged' };
    const requests = recordRequests(alert);

    await expect(client.acknowledgeAlert('a1')).resolves.toEqual(alert);
    await client.snoozeAlert('a1', {
      until: '2025-03-16T10:00:00.000Z',
      reason: 'after the release',
    });
    await client.dismissAlert('a1', { reason: 'planned spend' });
    await client.reopenAlert('a1', { reason: 'not planned after all' });

    expect(requests).toEqual([
      { method: 'POST', url: `${baseUrl}/alerts/a1/acknowledge`, body: '{}' },
      {
        method: 'POST',
        url: `${baseUrl}/alerts/a1/snooze`,
        body: '{"until":"2025-03-16T10:00:00.000Z","reason":"after the release"}',
      },
      {
        method: 'POST',
        url: `${baseUrl}/alerts/a1/dismiss`,
        body: '{"reason":"planned spend"}',
      },
      {
        method: 'POST',
        url: `${baseUrl}/alerts/a1/reopen`,
        body: '{"reason":"not planned after all"}',
      },
    ]);
  });

  it('creates a silence and expires one by instance and id', async () => {
    const requests = recordRequests({ id: 's-1' });
    const silence = {
      entityRef: 'component:default/checkout',
      instance: 'main',
      matchers: [
        {
          name: 'alertname',
          value: 'HighLatency',
          isRegex: false,
          isEqual: true,
        },
      ],
      endsAt: '2025-03-16T10:00:00.000Z',
      comment: 'deploying a fix',
    };

    await expect(client.createAlertSilence(silence)).resolves.toEqual({
      id: 's-1',
    });
    expect(requests[0]).toEqual({
      method: 'POST',
      url: `${baseUrl}/alerts/silences`,
      body: JSON.stringify(silence),
    });

    const deletes = recordRequests(null, 204);
    await expect(
      client.expireAlertSilence({
        entityRef: 'component:default/checkout',
        instance: 'main',
        silenceId: 's-1',
      }),
    ).resolves.toBeUndefined();
    expect(deletes).toEqual([
      {
        method: 'DELETE',
        url: `${baseUrl}/alerts/silences/main/s-1?entityRef=component%3Adefault%2Fcheckout`,
        body: '',
      },
    ]);
  });

  it('reads the sources and the inventory', async () => {
    const requests = recordRequests({ sources: [], costFolders: [] });

    await expect(client.getSources()).resolves.toEqual({
      sources: [],
      costFolders: [],
    });
    await client.getInventory();

    expect(requests.map(r => `${r.method} ${r.url}`)).toEqual([
      `GET ${baseUrl}/sources`,
      `GET ${baseUrl}/inventory`,
    ]);
  });

  it('asks for a run of a cloud source or a cost folder by its escaped id', async () => {
    const refresh = {
      kind: 'cloud',
      id: 'aws prod/eu',
      requestedAt: '2025-03-15T10:00:00.000Z',
    };
    const requests = recordRequests(refresh, 202);

    await expect(client.refreshSource('cloud', 'aws prod/eu')).resolves.toEqual(
      refresh,
    );
    await client.refreshSource('cost', 'demo');

    expect(requests).toEqual([
      {
        method: 'POST',
        url: `${baseUrl}/sources/cloud/aws%20prod%2Feu/refresh`,
        body: '',
      },
      { method: 'POST', url: `${baseUrl}/sources/cost/demo/refresh`, body: '' },
    ]);
  });

  it('turns a refused refresh into a ResponseError with the server message', async () => {
    recordRequests(
      {
        error: {
          name: 'ConflictError',
          message: 'The source demo-inventory is already running',
        },
        request: {
          method: 'POST',
          url: '/api/multicloud/sources/cloud/demo-inventory/refresh',
        },
        response: { statusCode: 409 },
      },
      409,
    );

    const error = await client
      .refreshSource('cloud', 'demo-inventory')
      .catch(e => e);

    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(409);
    expect(error.cause.message).toBe(
      'The source demo-inventory is already running',
    );
  });

  it('turns an error answer into a ResponseError with the server message', async () => {
    recordRequests(
      {
        error: { name: 'NotAllowedError', message: 'Not allowed' },
        request: { method: 'PUT', url: '/api/multicloud/cost/budgets' },
        response: { statusCode: 403 },
      },
      403,
    );

    const error = await client
      .setBudget({ entityRef: 'component:default/checkout', amount: 10 })
      .catch(e => e);

    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(403);
    expect(error.cause.message).toBe('Not allowed');
  });
});
