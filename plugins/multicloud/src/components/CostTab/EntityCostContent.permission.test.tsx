import { Entity } from '@backstage/catalog-model';
import { mockApis, renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import {
  AuthorizeResult,
  EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import {
  EntityCostResponse,
  multicloudBudgetUpdatePermission,
  multicloudCostImportPermission,
} from '@multicloud/plugin-multicloud-common';
import { act, screen } from '@testing-library/react';
import { multicloudApiRef } from '../../api';
import {
  entityCostResponse,
  freezeToday,
  mockMulticloudApi,
} from '../../testing/costFixtures';
import { EntityCostContent } from './EntityCostContent';

// usePermission keeps each answer for the life of the module (SWR's cache)
// and asks again for the same request only after a while. So the policy is
// the same for every test of this file: budgets may be changed on `owned-*`
// entities only, and cost may not be imported; each test has an entity of
// its own.

/** A permission API allowing budget changes on `owned-*` entities only. */
function mockPermissionApi() {
  return mockApis.permission.mock({
    authorize: async (request: EvaluatePermissionRequest) => ({
      result:
        request.permission.name === multicloudBudgetUpdatePermission.name &&
        request.resourceRef?.startsWith('component:default/owned-')
          ? AuthorizeResult.ALLOW
          : AuthorizeResult.DENY,
    }),
  });
}

/** Waits for every answer asked for so far to be rendered. */
async function permissionsAnswered(
  permissionApi: ReturnType<typeof mockPermissionApi>,
) {
  await act(async () => {
    await Promise.all(
      permissionApi.authorize.mock.results.map(result => result.value),
    );
  });
}

/**
 * Renders the Cost tab of `component:default/<name>` and waits for the
 * report (`shown`: a text of it) to be on screen.
 */
async function renderCostTab(
  name: string,
  response: EntityCostResponse,
  shown = '$1,500.00',
) {
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', owner: 'group:default/payments' },
  };
  const permissionApi = mockPermissionApi();
  renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityCostContent />
    </EntityProvider>,
    {
      apis: [
        [
          multicloudApiRef,
          mockMulticloudApi({ getEntityCost: async () => response }),
        ],
        permissionApi,
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      initialRouteEntries: [`/catalog/default/component/${name}/cost`],
    },
  );
  await screen.findByText(shown);
  return permissionApi;
}

const BUDGET_BUTTONS = /^(Set|Edit|Override) budget$/;

jest.setTimeout(30_000);

describe('EntityCostContent, gated by the permissions', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  it('offers to set a budget to who may change the entity’s budget', async () => {
    const permissionApi = await renderCostTab(
      'owned-checkout',
      entityCostResponse({ budget: null }),
    );

    expect(
      await screen.findByRole('button', { name: 'Set budget' }),
    ).toBeInTheDocument();
    expect(permissionApi.authorize).toHaveBeenCalledWith({
      permission: multicloudBudgetUpdatePermission,
      resourceRef: 'component:default/owned-checkout',
    });
    expect(
      screen.getByText(/Set one here, or with the annotation/),
    ).toBeInTheDocument();
  });

  it('offers to edit a budget set through the API to who may', async () => {
    await renderCostTab('owned-ledger', entityCostResponse());

    expect(
      await screen.findByRole('button', { name: 'Edit budget' }),
    ).toBeInTheDocument();
  });

  it('offers no budget change to who may not', async () => {
    const permissionApi = await renderCostTab(
      'foreign-checkout',
      entityCostResponse({ budget: null }),
    );
    await permissionsAnswered(permissionApi);

    expect(permissionApi.authorize).toHaveBeenCalledWith({
      permission: multicloudBudgetUpdatePermission,
      resourceRef: 'component:default/foreign-checkout',
    });
    expect(
      screen.queryByRole('button', { name: BUDGET_BUTTONS }),
    ).not.toBeInTheDocument();
    expect(screen.getByText('No monthly budget.')).toBeInTheDocument();
    expect(
      screen.getByText(/^Set one with the annotation/),
    ).toBeInTheDocument();
  });

  it('offers neither editing nor overriding a budget to who may not', async () => {
    const response = entityCostResponse();
    const permissionApi = await renderCostTab('foreign-ledger', {
      ...response,
      budget: { ...response.budget!, source: 'annotation' },
    });
    await permissionsAnswered(permissionApi);

    expect(
      screen.queryByRole('button', { name: BUDGET_BUTTONS }),
    ).not.toBeInTheDocument();
    expect(screen.getByText(/Set by the annotation/)).not.toHaveTextContent(
      'a budget set here overrides it',
    );
  });

  it('tells who may not import cost that the admins import it', async () => {
    const permissionApi = await renderCostTab(
      'foreign-empty',
      entityCostResponse({
        total: 0,
        breakdown: [],
        breakdownSeries: [],
        lastImportAt: null,
      }),
      'No cost attributed to this entity',
    );
    await permissionsAnswered(permissionApi);

    expect(permissionApi.authorize).toHaveBeenCalledWith({
      permission: multicloudCostImportPermission,
    });
    expect(
      screen.getByText(/has to be imported by your Backstage admins/),
    ).toHaveTextContent('it takes the permission multicloud.cost.import');
    expect(
      screen.queryByText('POST /api/multicloud/cost/imports'),
    ).not.toBeInTheDocument();
  });
});
