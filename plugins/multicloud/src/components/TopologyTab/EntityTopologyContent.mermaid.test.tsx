import { Entity } from '@backstage/catalog-model';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { multicloudApiRef } from '../../api';
import { mockMulticloudApi } from '../../testing/costFixtures';
import { topologyResponse } from '../../testing/topologyFixtures';
import { EntityTopologyContent } from './EntityTopologyContent';

// Drawn by Mermaid itself. jsdom has no layout engine, so the sizes Mermaid
// measures text and shapes with come from these stand-ins: the layout is
// meaningless, but the SVG's structure, ids and text are Mermaid's own.
beforeAll(() => {
  const size = (element: Element) => ({
    x: 0,
    y: 0,
    width: 8 * (element.textContent?.length ?? 1),
    height: 16,
  });
  Object.assign(SVGElement.prototype, {
    getBBox(this: SVGElement) {
      return size(this);
    },
    getComputedTextLength(this: SVGElement) {
      return size(this).width;
    },
  });
});

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/payments' },
};

const CurrentPath = () => <output>{useLocation().pathname}</output>;

// Loading and running Mermaid in jsdom takes seconds.
jest.setTimeout(90_000);

describe('EntityTopologyContent drawn by Mermaid', () => {
  it('draws titles and costs as SVG text, and opens or expands the nodes clicked', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    renderInTestApp(
      <>
        <EntityProvider entity={entity}>
          <EntityTopologyContent />
        </EntityProvider>
        <CurrentPath />
      </>,
      {
        apis: [[multicloudApiRef, api]],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    const database = await screen.findByRole(
      'link',
      { name: 'checkout-db (rds-instance)' },
      { timeout: 60_000 },
    );
    const texts = Array.from(database.querySelectorAll('text tspan')).map(
      tspan => tspan.textContent,
    );
    expect(texts).toContain('checkout-db');
    expect(database.textContent).toContain('900.00 USD');
    expect(database.closest('svg')!.getAttribute('aria-roledescription')).toBe(
      'flowchart-v2',
    );
    // Mermaid's own link around the node is gone: the router navigates.
    expect(database.closest('a')?.getAttribute('xlink:href') ?? null).toBe(
      null,
    );
    expect(
      screen.getByRole('link', { name: 'Checkout (service), this entity' }),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Export SVG' })).toBeEnabled();

    await userEvent.click(
      screen.getByRole('button', { name: 'us-east-1: 12 entities, expand' }),
    );
    expect(api.getTopology).toHaveBeenLastCalledWith(
      expect.objectContaining({ expand: ['aws/123456789012/us-east-1'] }),
    );

    await userEvent.click(
      await screen.findByRole(
        'link',
        { name: 'checkout-db (rds-instance)' },
        { timeout: 60_000 },
      ),
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      '/catalog/default/resource/checkout-db-1a2b3c',
    );
  });
});
