import { Entity } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import { renderInTestApp } from '@backstage/frontend-test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useLocation } from 'react-router-dom';
import { multicloudApiRef } from '../../api';
import { mockMulticloudApi } from '../../testing/costFixtures';
import {
  drawNodesOnly,
  drawNodesOnlyOfSize,
  loneEntityTopology,
  topologyResponse,
} from '../../testing/topologyFixtures';
import { EntityTopologyContent } from './EntityTopologyContent';
import { renderMermaid } from './renderMermaid';

// Mermaid lays a diagram out by measuring text, which jsdom cannot do. These
// tests replace the drawing with an SVG of Mermaid's node structure (see
// drawNodesOnly) and check what the tab does with it;
// EntityTopologyContent.mermaid.test.tsx draws with Mermaid itself.
jest.mock('./renderMermaid', () => ({ renderMermaid: jest.fn() }));
const renderMermaidMock = renderMermaid as jest.MockedFunction<
  typeof renderMermaid
>;

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'checkout', namespace: 'default' },
  spec: { type: 'service', owner: 'group:default/payments' },
};

const CurrentPath = () => <output>{useLocation().pathname}</output>;

type Rect = { x: number; y: number; width: number; height: number };

const VIEWPORT = '[data-testid="topology-viewport"]';

/**
 * jsdom lays nothing out: gives the viewport, the drawing (at its natural
 * size, where the page shows it) and the nodes matching `nodes` the boxes a
 * browser would measure, and keeps the viewport's scroll.
 */
function layOut(viewport: Rect, nodes: Array<[selector: string, box: Rect]>) {
  jest
    .spyOn(Element.prototype, 'clientWidth', 'get')
    .mockImplementation(function measure(this: Element) {
      return this.matches(VIEWPORT) ? viewport.width : 0;
    });
  jest
    .spyOn(Element.prototype, 'clientHeight', 'get')
    .mockImplementation(function measure(this: Element) {
      return this.matches(VIEWPORT) ? viewport.height : 0;
    });
  const scrolls = new WeakMap<Element, { left: number; top: number }>();
  const scrollOf = (element: Element) =>
    scrolls.get(element) ?? { left: 0, top: 0 };
  for (const side of ['left', 'top'] as const) {
    const property = side === 'left' ? 'scrollLeft' : 'scrollTop';
    jest
      .spyOn(Element.prototype, property, 'get')
      .mockImplementation(function scrolled(this: Element) {
        return scrollOf(this)[side];
      });
    jest
      .spyOn(Element.prototype, property, 'set')
      .mockImplementation(function scroll(this: Element, value: number) {
        scrolls.set(this, { ...scrollOf(this), [side]: value });
      });
  }
  jest
    .spyOn(Element.prototype, 'getBoundingClientRect')
    .mockImplementation(function measure(this: Element) {
      const svgSize = {
        x: 0,
        y: 0,
        width: Number(this.getAttribute('width')) || 0,
        height: Number(this.getAttribute('height')) || 0,
      };
      const rect = (this.matches(VIEWPORT) && viewport) ||
        (this.matches('[data-testid="topology-diagram"] > svg') && svgSize) ||
        nodes.find(([selector]) => this.matches(selector))?.[1] || {
          x: 0,
          y: 0,
          width: 0,
          height: 0,
        };
      return {
        ...rect,
        left: rect.x,
        top: rect.y,
        right: rect.x + rect.width,
        bottom: rect.y + rect.height,
        toJSON: () => rect,
      };
    });
}

async function renderTopologyTab(api: ReturnType<typeof mockMulticloudApi>) {
  const rendered = renderInTestApp(
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
  await waitFor(() => expect(api.getTopology).toHaveBeenCalled());
  return rendered;
}

async function serviceUnavailable(): Promise<ResponseError> {
  return ResponseError.fromResponse(
    new Response(
      JSON.stringify({
        error: {
          name: 'ServiceUnavailableError',
          message: 'The catalog did not answer: connect ECONNREFUSED',
        },
        request: { method: 'GET', url: '/api/multicloud/topology' },
        response: { statusCode: 503 },
      }),
      {
        status: 503,
        statusText: 'Service Unavailable',
        headers: { 'Content-Type': 'application/json' },
      },
    ),
  );
}

jest.setTimeout(30_000);

describe('EntityTopologyContent', () => {
  beforeEach(() => {
    renderMermaidMock.mockReset();
    renderMermaidMock.mockImplementation(drawNodesOnly);
    layOut({ x: 0, y: 0, width: 1000, height: 576 }, []);
  });

  afterEach(() => {
    jest.restoreAllMocks();
  });

  it('draws the nodes of the topology as links and buttons, with the entity highlighted', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);

    const database = await screen.findByRole('link', {
      name: 'checkout-db (rds-instance)',
    });
    expect(api.getTopology).toHaveBeenCalledWith({
      entityRef: 'component:default/checkout',
      depth: undefined,
      direction: undefined,
      expand: undefined,
    });
    expect(renderMermaidMock).toHaveBeenCalledWith(
      expect.stringMatching(/^topology-/),
      topologyResponse().mermaid,
      { layout: 'grouped' },
    );
    expect(database).toHaveAttribute('tabindex', '0');
    expect(
      screen.getByRole('link', { name: 'sessions (elasticache-cluster)' }),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'us-east-1: 12 entities, expand' }),
    ).toBeInTheDocument();

    const root = screen.getByRole('link', {
      name: 'Checkout (service), this entity',
    });
    const shape = root.querySelector<SVGElement>('.label-container')!;
    expect(shape.style.getPropertyValue('stroke')).toBe('#1F5493');
    expect(shape.style.getPropertyValue('stroke-width')).toBe('4px');

    expect(
      screen.getByText(/Costs are the sum from 2025-02-13 to 2025-03-14/),
    ).toBeInTheDocument();
    expect(screen.getByLabelText('Depth')).toHaveValue('2');
    expect(screen.getByLabelText('Direction')).toHaveValue('downstream');
    expect(screen.getByLabelText('Layout')).toHaveValue('grouped');
  });

  it('shows a legend of the providers, states and relations in the diagram', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);
    await screen.findByRole('link', { name: 'checkout-db (rds-instance)' });

    const legend = screen.getByRole('group', { name: 'Legend' });
    const providers = within(legend).getByRole('list', { name: 'Provider' });
    expect(within(providers).getByText('AWS')).toBeInTheDocument();
    const aws = within(providers).getByRole('listitem');
    expect(aws.querySelector('rect')).toHaveAttribute('fill', '#fff3e0');

    const states = within(legend).getByRole('list', { name: 'State' });
    expect(
      within(states)
        .getAllByRole('listitem')
        .map(item => item.textContent),
    ).toEqual(['Running', 'Stopped', 'Unknown state']);
    const stopped = within(states).getByText('Stopped').closest('li')!;
    expect(stopped.querySelector('rect')).toHaveAttribute(
      'stroke-dasharray',
      '4 3',
    );

    const nodes = within(legend).getByRole('list', { name: 'Nodes' });
    expect(within(nodes).getByText('This entity')).toBeInTheDocument();
    expect(
      within(nodes).getByText(
        'Collapsed group with its entity count: click to expand',
      ),
    ).toBeInTheDocument();
    expect(
      within(legend).getByRole('list', { name: 'Relations' }),
    ).toHaveTextContent('Depends on');
  });

  it('opens the entity page of a node that is clicked or chosen with the keyboard', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);

    await userEvent.click(
      await screen.findByRole('link', { name: 'checkout-db (rds-instance)' }),
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      '/catalog/default/resource/checkout-db-1a2b3c',
    );

    const sessions = screen.getByRole('link', {
      name: 'sessions (elasticache-cluster)',
    });
    sessions.focus();
    await userEvent.keyboard('{Enter}');
    expect(screen.getByRole('status')).toHaveTextContent(
      '/catalog/default/resource/sessions-9f8e7d',
    );
  });

  it('says when groups are collapsed and expands the one clicked, one at a time', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);

    expect(
      await screen.findByText(
        /Showing 4 of 15 nodes; click a group to expand it/,
      ),
    ).toBeInTheDocument();

    await userEvent.click(
      await screen.findByRole('button', {
        name: 'us-east-1: 12 entities, expand',
      }),
    );
    await waitFor(() =>
      expect(api.getTopology).toHaveBeenLastCalledWith({
        entityRef: 'component:default/checkout',
        depth: undefined,
        direction: undefined,
        expand: ['aws/123456789012/us-east-1'],
      }),
    );

    await userEvent.click(
      await screen.findByRole('button', { name: 'Collapse groups again' }),
    );
    await waitFor(() =>
      expect(api.getTopology).toHaveBeenLastCalledWith(
        expect.objectContaining({ expand: undefined }),
      ),
    );
    expect(
      screen.queryByRole('button', { name: 'Collapse groups again' }),
    ).not.toBeInTheDocument();
  });

  it('asks again for the depth and direction the user picks', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);
    await screen.findByRole('link', { name: 'checkout-db (rds-instance)' });

    await userEvent.selectOptions(screen.getByLabelText('Depth'), '4 hops');
    await waitFor(() =>
      expect(api.getTopology).toHaveBeenLastCalledWith(
        expect.objectContaining({ depth: 4, direction: undefined }),
      ),
    );

    await userEvent.selectOptions(screen.getByLabelText('Direction'), 'Both');
    await waitFor(() =>
      expect(api.getTopology).toHaveBeenLastCalledWith({
        entityRef: 'component:default/checkout',
        depth: 4,
        direction: 'both',
        expand: undefined,
      }),
    );
  });

  it('clears the previous drawing while the next is drawn, and maps the new nodes to the new response', async () => {
    const first = topologyResponse();
    // The next graph numbers its nodes differently: n2 is now the cache.
    const next = topologyResponse({
      depth: 1,
      nodes: first.nodes.map(node =>
        node.id === 'n2' || node.id === 'n3'
          ? {
              ...first.nodes.find(
                other => other.id === (node.id === 'n2' ? 'n3' : 'n2'),
              )!,
              id: node.id,
            }
          : node,
      ),
      mermaid: first.mermaid
        .replace('n2[', 'nX[')
        .replace('n3[', 'n2[')
        .replace('nX[', 'n3['),
    });
    const api = mockMulticloudApi({
      getTopology: async options => (options.depth === 1 ? next : first),
    });
    let finishNextDrawing: (svg: string) => void = () => undefined;
    renderMermaidMock.mockImplementation((diagramId, source) =>
      source === next.mermaid
        ? new Promise(resolve => {
            finishNextDrawing = resolve;
          })
        : drawNodesOnly(diagramId, source),
    );
    await renderTopologyTab(api);
    await screen.findByRole('link', { name: 'checkout-db (rds-instance)' });

    await userEvent.selectOptions(screen.getByLabelText('Depth'), '1 hop');
    await waitFor(() =>
      expect(renderMermaidMock).toHaveBeenLastCalledWith(
        expect.any(String),
        next.mermaid,
        { layout: 'grouped' },
      ),
    );
    expect(
      screen.queryByRole('link', { name: /checkout-db|sessions/ }),
    ).not.toBeInTheDocument();

    finishNextDrawing(
      await drawNodesOnly(renderMermaidMock.mock.lastCall![0], next.mermaid),
    );
    await userEvent.click(
      await screen.findByRole('link', { name: 'checkout-db (rds-instance)' }),
    );
    expect(screen.getByRole('status')).toHaveTextContent(
      '/catalog/default/resource/checkout-db-1a2b3c',
    );
  });

  it('draws the diagram again with the layout the user picks', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);
    await screen.findByRole('link', { name: 'checkout-db (rds-instance)' });

    await userEvent.selectOptions(
      screen.getByLabelText('Layout'),
      'Compact (dagre)',
    );

    await waitFor(() =>
      expect(renderMermaidMock).toHaveBeenLastCalledWith(
        expect.any(String),
        topologyResponse().mermaid,
        { layout: 'dagre' },
      ),
    );
    expect(api.getTopology).toHaveBeenCalledTimes(1);
  });

  it('shows a diagram that fits at its natural size, centred, in a viewport as tall as the diagram', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);
    await screen.findByRole('link', { name: 'checkout-db (rds-instance)' });
    const diagram = screen.getByTestId('topology-diagram');

    expect(diagram.style.transform).toBe('translate(180px, 0px) scale(1)');
    const viewport = screen.getByTestId('topology-viewport');
    expect(viewport.style.height).toBe('320px');
    expect([viewport.scrollLeft, viewport.scrollTop]).toEqual([0, 0]);
    // Drawn at its natural size: the zoom is the only scale.
    const svg = diagram.querySelector('svg')!;
    expect(svg).toHaveAttribute('width', '640');
    expect(svg).toHaveAttribute('height', '320');
    expect(svg.style.maxWidth).toBe('');
  });

  it('first shows a large diagram around the entity at a readable size, and fits all of it on request', async () => {
    // The diagram is four times as wide as the viewport; the entity's node
    // sits at the left, half way down.
    renderMermaidMock.mockImplementation(
      drawNodesOnlyOfSize({ width: 4000, height: 3000 }),
    );
    layOut({ x: 0, y: 0, width: 1000, height: 576 }, [
      ['[id*="-flowchart-n1-"]', { x: 40, y: 1500, width: 160, height: 50 }],
    ]);
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);
    await screen.findByRole('link', { name: 'checkout-db (rds-instance)' });
    const diagram = screen.getByTestId('topology-diagram');
    const viewport = screen.getByTestId('topology-viewport');

    // At three quarters of its size (labels of 12px), not a quarter (fit to
    // the width); the entity's node in the middle of the viewport's height,
    // the diagram's left edge at the viewport's (scrolled 855.75px down);
    // the viewport three quarters of the window's height (768px in jsdom).
    const expectEntityView = () => {
      expect(diagram.style.transform).toBe('translate(0px, 0px) scale(0.75)');
      expect([viewport.scrollLeft, viewport.scrollTop]).toEqual([0, 855.75]);
    };
    expectEntityView();
    expect(viewport.style.height).toBe('576px');
    // The scroll runs over the zoomed diagram.
    expect(diagram.parentElement!.style.width).toBe('3000px');
    expect(diagram.parentElement!.style.height).toBe('2250px');

    await userEvent.click(
      screen.getByRole('button', { name: 'Fit the whole diagram' }),
    );
    expect(diagram.style.transform).toBe('translate(116px, 0px) scale(0.192)');
    expect([viewport.scrollLeft, viewport.scrollTop]).toEqual([0, 0]);
    // Zooming out stops at the whole diagram.
    expect(screen.getByRole('button', { name: 'Zoom out' })).toBeDisabled();
    fireEvent.wheel(diagram, { deltaY: 500 });
    expect(diagram.style.transform).toMatch(/ scale\(0\.192\)$/);

    await userEvent.click(
      screen.getByRole('button', { name: 'Show this entity' }),
    );
    expectEntityView();
  });

  it('follows a scroll of the browser’s own, such as to a node that gets the focus', async () => {
    renderMermaidMock.mockImplementation(
      drawNodesOnlyOfSize({ width: 4000, height: 3000 }),
    );
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);
    await screen.findByRole('link', { name: 'checkout-db (rds-instance)' });
    const viewport = screen.getByTestId('topology-viewport');

    viewport.scrollLeft = 300;
    viewport.scrollTop = 1200;
    fireEvent.scroll(viewport);
    await userEvent.click(screen.getByRole('button', { name: 'Zoom in' }));

    // Zoomed around the viewport's centre (500, 288) of what it shows now.
    expect(screen.getByTestId('topology-diagram').style.transform).toBe(
      'translate(0px, 0px) scale(0.9375)',
    );
    expect([viewport.scrollLeft, viewport.scrollTop]).toEqual([500, 1572]);
  });

  it('zooms with the buttons and the wheel around the viewport’s centre or the pointer', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);
    await screen.findByRole('link', { name: 'checkout-db (rds-instance)' });
    const diagram = screen.getByTestId('topology-diagram');
    const viewport = screen.getByTestId('topology-viewport');

    await userEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    // Around the centre of the 1000 by 576 viewport, (500, 288): the
    // diagram now starts 100px right of the viewport's left and 72px above
    // its top.
    expect(diagram.style.transform).toBe('translate(100px, 0px) scale(1.25)');
    expect(viewport.scrollTop).toBe(72);

    fireEvent.wheel(diagram, { deltaY: 500, clientX: 0, clientY: 0 });
    expect(diagram.style.transform).toMatch(
      /^translate\(36\.7\d*px, 0px\) scale\(0\.45/,
    );
    expect(viewport.scrollTop).toBeCloseTo(26.49, 2);
  });

  it('pans with a drag, which does not open the node it started on', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);
    const database = await screen.findByRole('link', {
      name: 'checkout-db (rds-instance)',
    });
    const diagram = screen.getByTestId('topology-diagram');

    const pointer = { pointerId: 1, button: 0 };
    fireEvent.pointerDown(database, { ...pointer, clientX: 10, clientY: 10 });
    fireEvent.pointerMove(database, { ...pointer, clientX: 60, clientY: 40 });
    fireEvent.pointerUp(database, { ...pointer, clientX: 60, clientY: 40 });
    fireEvent.click(database);

    expect(diagram.style.transform).toBe('translate(230px, 30px) scale(1)');
    expect(screen.getByRole('status')).toHaveTextContent(/^\/$/);
  });

  it('copies the Mermaid source to the clipboard', async () => {
    const writeText = jest.fn(async (_text: string) => undefined);
    Object.defineProperty(navigator, 'clipboard', {
      value: { writeText },
      configurable: true,
    });
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);
    await screen.findByRole('link', { name: 'checkout-db (rds-instance)' });

    await userEvent.click(
      screen.getByRole('button', { name: 'Copy Mermaid source' }),
    );

    expect(writeText).toHaveBeenCalledWith(topologyResponse().mermaid);
  });

  it('exports the drawn diagram as an SVG file', async () => {
    // jsdom has no object URLs and does not download: record what would be.
    const files: Array<{ blob: Blob; name: string }> = [];
    URL.createObjectURL = (blob: Blob) => {
      files.push({ blob, name: '' });
      return `blob:test/${files.length}`;
    };
    URL.revokeObjectURL = () => undefined;
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function record(this: HTMLAnchorElement) {
        files[files.length - 1].name = this.download;
      });
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);
    await screen.findByRole('link', { name: 'checkout-db (rds-instance)' });

    await userEvent.click(screen.getByRole('button', { name: 'Export SVG' }));

    expect(files).toHaveLength(1);
    expect(files[0].name).toBe('topology-component-checkout.svg');
    expect(files[0].blob.type).toBe('image/svg+xml');
    const svg = await files[0].blob.text();
    expect(svg).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg /);
    expect(svg).toContain(' width="640"');
    expect(svg).toContain(' height="320"');
    expect(svg).not.toContain('max-width');
    expect(svg).not.toContain('tabindex');
    expect(svg).toContain('aria-label="checkout-db (rds-instance)"');
    expect(svg).not.toContain('cursor');
    click.mockRestore();
  });

  it('explains how resources get related when nothing is', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => loneEntityTopology(),
    });
    await renderTopologyTab(api);

    expect(
      await screen.findByText('Nothing related to this entity yet'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/Choose the direction Both to see relations/),
    ).toBeInTheDocument();
    expect(
      screen.getByText('catalog.providers.multicloud'),
    ).toBeInTheDocument();
    for (const tag of ['component', 'system', 'owner']) {
      expect(screen.getAllByText(tag).length).toBeGreaterThan(0);
    }
    expect(renderMermaidMock).not.toHaveBeenCalled();
    expect(screen.getByLabelText('Direction')).toBeInTheDocument();
  });

  it('says the catalog is unreachable and tries again on request', async () => {
    const unavailable = await serviceUnavailable();
    let fail = true;
    const api = mockMulticloudApi({
      getTopology: async () => {
        if (fail) {
          throw unavailable;
        }
        return topologyResponse();
      },
    });
    await renderTopologyTab(api);

    expect(
      await screen.findByText(
        /The catalog could not be reached, so the topology cannot be built/,
      ),
    ).toBeInTheDocument();
    expect(screen.getAllByText(/connect ECONNREFUSED/).length).toBeGreaterThan(
      0,
    );

    fail = false;
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }));
    expect(
      await screen.findByRole('link', { name: 'checkout-db (rds-instance)' }),
    ).toBeInTheDocument();
  });

  it('shows other errors as a failure to load the topology', async () => {
    const api = mockMulticloudApi({
      getTopology: async () => {
        throw new Error('Not allowed to see cost');
      },
    });
    await renderTopologyTab(api);

    expect(
      await screen.findByText(/Could not load the topology/),
    ).toBeInTheDocument();
  });

  it('leaves the cost period out when the diagram shows no costs', async () => {
    const response = topologyResponse();
    const api = mockMulticloudApi({
      getTopology: async () => ({
        ...response,
        nodes: response.nodes.map(({ monthlyCost, ...node }) => node),
      }),
    });
    await renderTopologyTab(api);

    expect(
      await screen.findByText(/^Click an entity to open it/),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Costs are the sum/)).not.toBeInTheDocument();
  });

  it('says when Mermaid cannot draw the diagram, and still offers its source', async () => {
    renderMermaidMock.mockRejectedValue(new Error('Parse error on line 3'));
    const api = mockMulticloudApi({
      getTopology: async () => topologyResponse(),
    });
    await renderTopologyTab(api);

    expect(
      await screen.findByText(/The diagram could not be drawn/),
    ).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Export SVG' })).toBeDisabled();
    expect(
      screen.getByRole('button', { name: 'Copy Mermaid source' }),
    ).toBeEnabled();
  });
});
