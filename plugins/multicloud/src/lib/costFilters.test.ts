import {
  costFilterParams,
  describeCostFilters,
  readCostFilters,
  writeCostFilters,
} from './costFilters';

describe('cost filters in a query', () => {
  it('reads the dimensions and repeated tags, and ignores a tag without a key', () => {
    expect(
      readCostFilters(
        new URLSearchParams(
          'period=last30&provider=AWS&region=eu-west-1&tag=team%3Dpayments&tag=env%3Dprod%3Dblue&tag=%3Dnothing&service=',
        ),
      ),
    ).toEqual({
      provider: 'AWS',
      region: 'eu-west-1',
      tags: [
        { key: 'team', value: 'payments' },
        { key: 'env', value: 'prod=blue' },
      ],
    });
    expect(readCostFilters(new URLSearchParams('period=last30'))).toBe(
      undefined,
    );
  });

  it('writes them back in the names the cost API takes, keeping every other parameter', () => {
    const filters = {
      account: '111122223333',
      tags: [{ key: 'cost center', value: 'cc-1&2' }],
    };
    const query = writeCostFilters(
      new URLSearchParams('period=last7&provider=GCP&tag=old%3D1'),
      filters,
    );
    expect(query.toString()).toBe(
      'period=last7&account=111122223333&tag=cost+center%3Dcc-1%262',
    );
    expect(readCostFilters(query)).toEqual(filters);
    expect(writeCostFilters(query, undefined).toString()).toBe('period=last7');
    expect(costFilterParams(filters)).toEqual({
      account: '111122223333',
      tag: ['cost center=cc-1&2'],
    });
  });

  it('says them in words', () => {
    expect(
      describeCostFilters({
        service: 'Amazon S3',
        tags: [{ key: 'team', value: 'payments' }],
      }),
    ).toEqual(['Service: Amazon S3', 'Tag team: payments']);
  });
});
