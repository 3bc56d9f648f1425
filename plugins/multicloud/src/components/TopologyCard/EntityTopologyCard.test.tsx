import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { screen, within } from '@testing-library/react';
import { multicloudApiRef } from '../../api';
import { mockMulticloudApi } from '../../testing/costFixtures';
import {
  loneEntityTopology,
  topologyResponse,
} from '../../testing/topologyFixtures';
import { EntityTopologyCard } from './EntityTopologyCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'System',
  metadata: { name: 'shop', namespace: 'default' },
  spec: { owner: 'group:default/payments' },
};

function renderCard(
  api: ReturnType<typeof mockMulticloudApi>,
  props: { tabLink?: string } = {},
) {
  return renderInTestApp(
    <EntityProvider entity={entity}>
      <EntityTopologyCard {...props} />
    </EntityProvider>,
    {
      apis: [[multicloudApiRef, api]],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

describe('EntityTopologyCard', () => {
  it('counts the entities around the entity by provider, with their cost', async () => {
    const api = mockMulticloudApi({
      getTopology: async () =>
        topologyResponse({ entityRef: 'system:default/shop' }),
    });
    renderCard(api);

    const table = await screen.findByRole('table', {
      name: 'Entities by provider',
    });
    expect(api.getTopology).toHaveBeenCalledWith({
      entityRef: 'system:default/shop',
    });
    const aws = within(table).getByText('AWS').closest('tr')!;
    expect(within(aws).getByText('14')).toBeInTheDocument();
    expect(within(aws).getByText('$1,650.00')).toBeInTheDocument();
    const catalog = within(table)
      .getByText('Catalog entities outside a cloud')
      .closest('tr')!;
    expect(within(catalog).getByText('1')).toBeInTheDocument();
    expect(
      screen.getByText('15 entities within 2 hops, what it depends on.'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('Cost from 2025-02-13 to 2025-03-14.'),
    ).toBeInTheDocument();
  });

  it('links to the Topology tab of the entity page', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    renderCard(api);

    expect(
      await screen.findByRole('link', { name: 'View topology' }),
    ).toHaveAttribute('href', '/catalog/default/system/shop/topology');
  });

  it('links where the app mounts the tab when told', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    renderCard(api, { tabLink: '/catalog/default/system/shop/infrastructure' });

    expect(
      await screen.findByRole('link', { name: 'View topology' }),
    ).toHaveAttribute('href', '/catalog/default/system/shop/infrastructure');
  });

  it('says when nothing is related to the entity yet', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => loneEntityTopology(),
    });
    renderCard(api);

    expect(
      await screen.findByText(/Nothing is related to this entity yet/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('says when the topology cannot be loaded', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => {
        throw new Error('The catalog did not answer');
      },
    });
    renderCard(api);

    expect(
      await screen.findByText(/Could not load the topology/),
    ).toBeInTheDocument();
  });
});
