import { layoutGroups, LayoutItem, LayoutLink, Placed } from './layoutGroups';

const SPACING = {
  nodeSpacing: 20,
  rankSpacing: 50,
  groupPadding: 12,
  titleGap: 8,
};

const node = (id: string, parentId?: string, width = 100): LayoutItem => ({
  id,
  parentId,
  isGroup: false,
  width,
  height: 40,
});
const group = (id: string, parentId?: string, width = 80): LayoutItem => ({
  id,
  parentId,
  isGroup: true,
  width,
  height: 18,
});
const link = (start: string, end: string): LayoutLink => ({
  id: `${start}->${end}`,
  start,
  end,
});

const inside = (inner: Placed, outer: Placed) =>
  inner.x >= outer.x &&
  inner.y >= outer.y &&
  inner.x + inner.width <= outer.x + outer.width &&
  inner.y + inner.height <= outer.y + outer.height;
const overlap = (a: Placed, b: Placed) =>
  a.x < b.x + b.width &&
  b.x < a.x + a.width &&
  a.y < b.y + b.height &&
  b.y < a.y + a.height;

/** Every item inside its group, and no two items of one group overlapping. */
function expectNested(items: LayoutItem[], placed: Map<string, Placed>) {
  const faults: string[] = [];
  const byParent = new Map<string, LayoutItem[]>();
  for (const item of items) {
    const box = placed.get(item.id);
    const parent = items.find(
      other => other.id === item.parentId && other.isGroup,
    );
    if (!box) {
      faults.push(`${item.id} not placed`);
    } else if (parent && !inside(box, placed.get(parent.id)!)) {
      faults.push(`${item.id} outside ${parent.id}`);
    }
    const key = parent?.id ?? '';
    byParent.set(key, [...(byParent.get(key) ?? []), item]);
  }
  for (const siblings of byParent.values()) {
    for (let i = 0; i < siblings.length; i++) {
      for (let j = i + 1; j < siblings.length; j++) {
        const [a, b] = [siblings[i].id, siblings[j].id];
        if (overlap(placed.get(a)!, placed.get(b)!)) {
          faults.push(`${a} overlaps ${b}`);
        }
      }
    }
  }
  expect(faults).toEqual([]);
}

describe('layoutGroups', () => {
  it('places linked items left to right and groups around their items', () => {
    const items = [
      node('component'),
      group('aws'),
      group('vpc', 'aws'),
      node('instance', 'vpc'),
      node('subnet', 'vpc'),
    ];
    const { placed, width, height } = layoutGroups(
      items,
      [link('component', 'instance'), link('instance', 'subnet')],
      SPACING,
    );
    expectNested(items, placed);
    const at = (id: string) => placed.get(id)!;
    expect(at('component').x + at('component').width).toBeLessThan(at('aws').x);
    expect(at('instance').x + at('instance').width).toBeLessThan(
      at('subnet').x,
    );
    // Room for the title above the content.
    expect(at('instance').y).toBeGreaterThanOrEqual(
      at('vpc').y + SPACING.groupPadding + 18 + SPACING.titleGap,
    );
    expect(width).toBe(at('aws').x + at('aws').width);
    expect(height).toBeGreaterThanOrEqual(at('aws').height);
  });

  it('opens a group with the items links from outside enter, and puts what links to them after them', () => {
    const items = [
      node('component'),
      group('vpc'),
      node('volume', 'vpc'),
      node('instance', 'vpc'),
      node('subnet', 'vpc'),
    ];
    const { placed, curves } = layoutGroups(
      items,
      [
        link('component', 'instance'),
        link('volume', 'instance'),
        link('instance', 'subnet'),
      ],
      SPACING,
    );
    const at = (id: string) => placed.get(id)!;
    // The instance, which the component's link enters, comes first; the
    // volume goes right of it, its link drawn back to the instance.
    expect(at('instance').x).toBeLessThan(at('volume').x);
    expect(at('instance').x).toBeLessThan(at('subnet').x);
    const [start, , , end] = curves.get('volume->instance')!;
    expect(start.x).toBe(at('volume').x);
    expect(end.x).toBe(at('instance').x + at('instance').width);
    // Into the instance from its near side, passing nothing in the group.
    const [, , , into] = curves.get('component->instance')!;
    expect(into).toEqual({
      x: at('instance').x,
      y: at('instance').y + at('instance').height / 2,
    });
  });

  it('puts the groups in one column after every entity outside them, lined up on their near side', () => {
    const items = [
      node('system'),
      node('api'),
      node('worker'),
      group('gcp', undefined, 300),
      node('topic', 'gcp'),
      group('aws'),
      node('instance', 'aws'),
    ];
    const { placed } = layoutGroups(
      items,
      [
        link('system', 'api'),
        link('api', 'worker'),
        link('api', 'topic'),
        link('worker', 'instance'),
      ],
      SPACING,
    );
    const at = (id: string) => placed.get(id)!;
    // The worker is a column further right than the api, and still before
    // any group: the api's link to the aws group crosses no group.
    expect(at('gcp').x).toBe(at('aws').x);
    expect(at('gcp').x).toBeGreaterThan(at('worker').x + at('worker').width);
    expect(at('worker').x).toBeGreaterThan(at('api').x + at('api').width);
    expectNested(items, placed);
  });

  it('draws each link from the border of one item to the border of the other', () => {
    const { placed, curves } = layoutGroups(
      [node('a'), node('b'), node('c')],
      [link('a', 'b'), link('a', 'c')],
      SPACING,
    );
    const a = placed.get('a')!;
    for (const id of ['a->b', 'a->c']) {
      const [start, c1, c2, end] = curves.get(id)!;
      expect(start.x).toBe(a.x + a.width);
      // Leaves and enters level.
      expect(c1.y).toBe(start.y);
      expect(c2.y).toBe(end.y);
    }
    // b and c, one above the other, in the column after a.
    expect(placed.get('b')!.x).toBe(placed.get('c')!.x);
    expect(overlap(placed.get('b')!, placed.get('c')!)).toBe(false);
  });

  it('ends on cycles of links and of parents, and ignores links to unknown items', () => {
    const items = [
      node('a'),
      node('b'),
      node('c'),
      { ...group('loop-1'), parentId: 'loop-2' },
      { ...group('loop-2'), parentId: 'loop-1' },
      node('in-loop', 'loop-1'),
      node('orphan', 'no-such-group'),
    ];
    const { placed, curves } = layoutGroups(
      items,
      [
        link('a', 'b'),
        link('b', 'c'),
        link('c', 'a'),
        link('a', 'a'),
        link('a', 'nowhere'),
      ],
      SPACING,
    );
    for (const id of ['a', 'b', 'c', 'orphan']) {
      expect(placed.get(id)).toBeDefined();
    }
    expect(curves.has('a->a')).toBe(false);
    expect(curves.has('a->nowhere')).toBe(false);
    expect(curves.size).toBe(3);
  });

  it('lays out a topology of a thousand nodes and two thousand links with nothing overlapping', () => {
    const items: LayoutItem[] = [];
    const links: LayoutLink[] = [];
    for (let c = 0; c < 40; c++) {
      items.push(node(`component-${c}`));
    }
    for (const provider of ['aws', 'azure']) {
      items.push(group(provider));
      for (let n = 0; n < 4; n++) {
        const network = `${provider}-net-${n}`;
        items.push(group(network, provider, 200));
        for (let s = 0; s < 3; s++) {
          items.push(node(`${network}-subnet-${s}`, network));
        }
        for (let r = 0; r < 120; r++) {
          const id = `${network}-res-${r}`;
          items.push(node(id, network, 80 + (r % 5) * 30));
          links.push(link(`component-${r % 40}`, id));
          links.push(link(id, `${network}-subnet-${r % 3}`));
        }
      }
    }
    expect(items.length).toBeGreaterThan(1000);
    expect(links.length).toBeGreaterThan(1900);

    const { placed, curves } = layoutGroups(items, links, SPACING);
    expectNested(items, placed);
    expect(curves.size).toBe(links.length);
  });
});
