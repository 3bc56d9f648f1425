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

function renderTopologyTab(api: ReturnType<typeof mockMulticloudApi>) {
  return renderInTestApp(
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
}

/** The lines of a label as Mermaid draws them. */
const rowsOf = (element: Element) =>
  Array.from(element.querySelectorAll('tspan.text-outer-tspan')).map(
    row => row.textContent,
  );

// Loading and running Mermaid in jsdom takes seconds.
jest.setTimeout(90_000);

describe('EntityTopologyContent drawn by Mermaid', () => {
  it('draws titles and costs as SVG text, and opens or expands the nodes clicked', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    renderTopologyTab(api);

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

  it('never breaks a name inside a word, and writes group titles as characters', async () => {
    // 320px of text at the stand-ins' 8px a character: Mermaid's default
    // wrapping width (120px) would cut it into three.
    const name = 'checkout-db-primary-eu-west-1-replica-02';
    const response = topologyResponse();
    const api = mockMulticloudApi({
      getTopology: async () => ({
        ...response,
        nodes: response.nodes.map(node =>
          node.id === 'n2' ? { ...node, title: name } : node,
        ),
        mermaid: response.mermaid
          .replace('checkout-db<br/>', `${name}<br/>`)
          .replace(
            'Account 123456789012,',
            'Account 123456789012 #40;prod#41;,',
          ),
      }),
    });
    renderTopologyTab(api);

    const database = await screen.findByRole(
      'link',
      { name: `${name} (rds-instance)` },
      { timeout: 60_000 },
    );
    expect(rowsOf(database)).toEqual([name, 'rds-instance, 900.00 USD']);
    const titles = Array.from(
      database.closest('svg')!.querySelectorAll('.cluster-label'),
    ).map(title => rowsOf(title).join(' '));
    expect(titles).toContain('Account 123456789012 (prod), 1,650.00 USD');
  });
});
