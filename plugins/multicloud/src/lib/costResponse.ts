import { EntityCostResponse } from '@multicloud/plugin-multicloud-common';

/** Whether nothing at all was billed to the entity in the response's period. */
export function hasNoCost(
  response: Pick<EntityCostResponse, 'total' | 'breakdown' | 'otherCurrencies'>,
): boolean {
  return (
    response.total === 0 &&
    response.breakdown.length === 0 &&
    response.otherCurrencies.length === 0
  );
}
