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
  MulticloudAlert,
  multicloudAlertUpdatePermission,
} from '@multicloud/plugin-multicloud-common';
import { act, screen, within } from '@testing-library/react';
import { multicloudApiRef } from '../../api';
import {
  budgetAlert,
  fakeAlertsBackend,
  latencyAlert,
  openToWorldAlert,
  silenced,
} from '../../testing/alertFixtures';
import { freezeToday, mockMulticloudApi } from '../../testing/costFixtures';
import { EntityAlertsContent } from './EntityAlertsContent';

// usePermission keeps each answer for the life of the module (SWR's cache)
// and asks again for the same request only after a while. So the policy is
// the same for every test of this file, and each test has entities of its
// own: `owned-*` ones, on which the user may change alerts, and `foreign-*`
// ones, on which they may not.

/** A permission API allowing changes on `owned-*` entities only. */
function mockPermissionApi() {
  return mockApis.permission.mock({
    authorize: async (request: EvaluatePermissionRequest) => ({
      result: request.resourceRef?.startsWith('component:default/owned-')
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

function componentEntity(name: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default' },
    spec: { type: 'service', owner: 'group:default/payments' },
  };
}

function renderAlertsTab(entity: Entity, alerts: MulticloudAlert[]) {
  const permissionApi = mockPermissionApi();
  renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityAlertsContent />
    </EntityProvider>,
    {
      apis: [
        [multicloudApiRef, mockMulticloudApi(fakeAlertsBackend(alerts))],
        permissionApi,
      ],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return permissionApi;
}

/** The labels of the buttons of the table row of the alert with this title. */
function rowButtons(title: string): Array<string | null> {
  const row = screen.getByText(title).closest('tr')!;
  return within(row)
    .queryAllByRole('button')
    .map(button => button.getAttribute('aria-label'));
}

/** Each gated button, and an alert of the entity it is offered on. */
const CONTROLS: ReadonlyArray<{
  button: string;
  alert: (entityRef: string) => MulticloudAlert;
}> = [
  { button: 'Acknowledge', alert: entityRef => budgetAlert({ entityRef }) },
  { button: 'Snooze', alert: entityRef => budgetAlert({ entityRef }) },
  { button: 'Dismiss', alert: entityRef => budgetAlert({ entityRef }) },
  {
    button: 'Reopen',
    alert: entityRef => budgetAlert({ entityRef, status: 'acknowledged' }),
  },
  { button: 'Silence', alert: entityRef => latencyAlert({ entityRef }) },
  {
    button: 'Expire silence',
    alert: entityRef => silenced(latencyAlert({ entityRef })),
  },
];

function slug(button: string): string {
  return button.toLocaleLowerCase('en-US').replace(/ /g, '-');
}

jest.setTimeout(30_000);

describe('EntityAlertsContent, gated by multicloud.alert.update', () => {
  beforeEach(() => freezeToday('2025-03-15'));
  afterEach(() => jest.useRealTimers());

  it.each(CONTROLS)(
    'offers $button to who may change the entity’s alerts',
    async ({ button, alert }) => {
      const entityRef = `component:default/owned-${slug(button)}`;
      const { title } = alert(entityRef);
      const permissionApi = renderAlertsTab(
        componentEntity(`owned-${slug(button)}`),
        [alert(entityRef)],
      );

      expect(
        await screen.findByRole('button', { name: button }),
      ).toBeInTheDocument();
      expect(rowButtons(title)).toContain(button);
      expect(permissionApi.authorize).toHaveBeenCalledWith({
        permission: multicloudAlertUpdatePermission,
        resourceRef: entityRef,
      });
      expect(screen.queryByText(/but not act on them/)).not.toBeInTheDocument();
    },
  );

  it.each(CONTROLS)(
    'does not offer $button to who may not, and says whom to ask',
    async ({ button, alert }) => {
      const entityRef = `component:default/foreign-${slug(button)}`;
      const { title } = alert(entityRef);
      const permissionApi = renderAlertsTab(
        componentEntity(`foreign-${slug(button)}`),
        [alert(entityRef)],
      );

      expect(
        await screen.findByText(
          `You can see the alerts of ${entityRef} but not act on them: that takes the permission`,
          { exact: false },
        ),
      ).toHaveTextContent(
        "multicloud.alert.update; ask the entity's owners or your Backstage admins.",
      );
      expect(permissionApi.authorize).toHaveBeenCalledWith({
        permission: multicloudAlertUpdatePermission,
        resourceRef: entityRef,
      });
      expect(rowButtons(title)).not.toContain(button);
      expect(
        screen.queryByRole('button', { name: button }),
      ).not.toBeInTheDocument();
    },
  );

  it('asks about each alert’s own entity', async () => {
    const pageRef = 'component:default/owned-checkout';
    const permissionApi = renderAlertsTab(componentEntity('owned-checkout'), [
      budgetAlert({ entityRef: pageRef }),
      openToWorldAlert({ entityRef: 'resource:default/foreign-sg' }),
    ]);

    expect(
      await screen.findByRole('button', { name: 'Acknowledge' }),
    ).toBeInTheDocument();
    await permissionsAnswered(permissionApi);

    expect(permissionApi.authorize).toHaveBeenCalledWith({
      permission: multicloudAlertUpdatePermission,
      resourceRef: 'resource:default/foreign-sg',
    });
    expect(rowButtons('Monthly budget exceeded')).toEqual([
      'Acknowledge',
      'Snooze',
      'Dismiss',
      'History',
    ]);
    expect(rowButtons('SSH (22) open to 0.0.0.0/0')).toEqual(['History']);
    expect(screen.queryByText(/but not act on them/)).not.toBeInTheDocument();
  });
});
