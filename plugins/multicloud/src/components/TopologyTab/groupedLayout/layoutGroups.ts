/** A node or group to place; a group's size is its title's. */
export type LayoutItem = {
  id: string;
  /** The group the item is drawn in; unknown ids count as none. */
  parentId?: string;
  isGroup: boolean;
  width: number;
  height: number;
};

export type LayoutLink = { id: string; start: string; end: string };

export type Point = { x: number; y: number };

/** A placed item: its top-left corner and size. */
export type Placed = { x: number; y: number; width: number; height: number };

export type LayoutSpacing = {
  /** Between items of one column. */
  nodeSpacing: number;
  /** Between columns. */
  rankSpacing: number;
  /** Inside a group's border. */
  groupPadding: number;
  /** Between a group's title and its content. */
  titleGap: number;
};

export type GroupsLayout = {
  /**
   * Every item, groups sized to hold their content; each group comes before
   * the items in it.
   */
  placed: Map<string, Placed>;
  /**
   * Each link between two placed items as a cubic Bézier curve: start,
   * two control points, end, from border to border.
   */
  curves: Map<string, [Point, Point, Point, Point]>;
  width: number;
  height: number;
};

/** The container of the items that are in no group. */
const TOP = '';

/**
 * Lays a graph of nested groups out left to right, each group on its own:
 * a group's items (nodes and groups in it) go into columns by the longest
 * path of the links between them (a link between two items' contents counts
 * as a link between the items), ordered within a column by where their
 * neighbours sit, and the group is sized around them. Every step is linear
 * in the items and links, except a sort per column, so a thousand nodes and
 * two thousand links are placed in milliseconds, where dagre's ranking of
 * a compound graph takes seconds.
 */
export function layoutGroups(
  items: LayoutItem[],
  links: LayoutLink[],
  spacing: LayoutSpacing,
): GroupsLayout {
  const byId = new Map(items.map(item => [item.id, item]));
  const containerOf = (id: string): string => {
    const parentId = byId.get(id)?.parentId;
    return parentId !== undefined && byId.get(parentId)?.isGroup
      ? parentId
      : TOP;
  };
  const children = new Map<string, string[]>([[TOP, []]]);
  for (const item of items) {
    if (item.isGroup) {
      children.set(item.id, children.get(item.id) ?? []);
    }
    const container = containerOf(item.id);
    const siblings = children.get(container);
    if (siblings) {
      siblings.push(item.id);
    } else {
      children.set(container, [item.id]);
    }
  }

  const depths = new Map<string, number>();
  const depthOf = (id: string): number => {
    if (id === TOP) {
      return -1;
    }
    let depth = depths.get(id);
    if (depth === undefined) {
      // Set before recursing: a cycle of parents ends here rather than loop.
      depths.set(id, 0);
      depth = depthOf(containerOf(id)) + 1;
      depths.set(id, depth);
    }
    return depth;
  };

  // Each link, lifted to the two items of one container that hold its ends.
  const entries = new Set<string>();
  const containerLinks = new Map<string, Array<[string, string]>>();
  for (const link of links) {
    let a = link.start;
    let b = link.end;
    if (!byId.has(a) || !byId.has(b) || a === b) {
      continue;
    }
    // The items the link enters from outside their group, on its way in.
    const entered: string[] = [];
    while (depthOf(a) > depthOf(b)) a = containerOf(a);
    while (depthOf(b) > depthOf(a)) {
      entered.push(b);
      b = containerOf(b);
    }
    while (containerOf(a) !== containerOf(b)) {
      entered.push(b);
      a = containerOf(a);
      b = containerOf(b);
    }
    for (const id of entered) {
      entries.add(id);
    }
    if (a !== b) {
      const container = containerOf(a);
      const lifted = containerLinks.get(container);
      if (lifted) {
        lifted.push([a, b]);
      } else {
        containerLinks.set(container, [[a, b]]);
      }
    }
  }

  /** Positions of items relative to their container's content corner. */
  const relative = new Map<string, Point>();
  const sizes = new Map<string, { width: number; height: number }>();

  const layoutContainer = (
    containerId: string,
  ): { width: number; height: number } => {
    const members = children.get(containerId) ?? [];
    for (const id of members) {
      const item = byId.get(id)!;
      if (item.isGroup) {
        const content = layoutContainer(id);
        const inner = Math.max(content.width, item.width);
        sizes.set(id, {
          width: inner + 2 * spacing.groupPadding,
          height:
            item.height +
            spacing.titleGap +
            content.height +
            2 * spacing.groupPadding,
        });
        // Centre the content under the title when the title is wider.
        const offset = (inner - content.width) / 2;
        for (const child of children.get(id) ?? []) {
          const at = relative.get(child)!;
          relative.set(child, {
            x: at.x + spacing.groupPadding + offset,
            y: at.y + spacing.groupPadding + item.height + spacing.titleGap,
          });
        }
      } else {
        sizes.set(id, { width: item.width, height: item.height });
      }
    }
    const columns = orderColumns({
      members,
      links: containerLinks.get(containerId) ?? [],
      entries,
      heightOf: id => sizes.get(id)!.height,
      // The catalog's entities first, then the groups of what they run on,
      // in one column: no group stands between an entity and another group.
      groupsLast: containerId === TOP ? id => byId.get(id)!.isGroup : undefined,
    });
    const columnWidths = columns.map(column =>
      Math.max(...column.map(id => sizes.get(id)!.width)),
    );
    const columnHeights = columns.map(
      column =>
        column.reduce((sum, id) => sum + sizes.get(id)!.height, 0) +
        (column.length - 1) * spacing.nodeSpacing,
    );
    const height = Math.max(0, ...columnHeights);
    let x = 0;
    columns.forEach((column, index) => {
      let y = (height - columnHeights[index]) / 2;
      for (const id of column) {
        const size = sizes.get(id)!;
        // Groups line up on their near side, so that links into one never
        // cross another; nodes are centred in their column.
        const indent = byId.get(id)!.isGroup
          ? 0
          : (columnWidths[index] - size.width) / 2;
        relative.set(id, { x: x + indent, y });
        y += size.height + spacing.nodeSpacing;
      }
      x += columnWidths[index] + spacing.rankSpacing;
    });
    const width = columns.length ? x - spacing.rankSpacing : 0;
    return { width, height };
  };

  const whole = layoutContainer(TOP);

  // Absolute positions, from the top container down.
  const placed = new Map<string, Placed>();
  const place = (containerId: string, origin: Point) => {
    for (const id of children.get(containerId) ?? []) {
      const at = relative.get(id)!;
      const size = sizes.get(id)!;
      const box = { x: origin.x + at.x, y: origin.y + at.y, ...size };
      placed.set(id, box);
      if (byId.get(id)!.isGroup) {
        place(id, { x: box.x, y: box.y });
      }
    }
  };
  place(TOP, { x: 0, y: 0 });

  const curves = new Map<string, [Point, Point, Point, Point]>();
  for (const link of links) {
    const from = placed.get(link.start);
    const to = placed.get(link.end);
    if (from && to && link.start !== link.end) {
      curves.set(link.id, curveBetween(from, to));
    }
  }
  return { placed, curves, width: whole.width, height: whole.height };
}

/**
 * The items of one container in columns: each item's column is the longest
 * path of links leading to it (links that close a cycle are left out), and
 * each column is ordered by the mean position of the item's neighbours in
 * the columns before it, then after it, to uncross links.
 *
 * Items that links from outside the container enter (`entries`) open the
 * first column, so that those links end at the group's near side instead of
 * passing the columns before them: a link from another item to an entry
 * counts the other way round (a volume attached to an instance a Component
 * depends on goes right of the instance, its link drawn back to it).
 * With `groupsLast`, the groups share the column after every other item.
 */
function orderColumns(options: {
  members: string[];
  links: Array<[string, string]>;
  entries: Set<string>;
  heightOf: (id: string) => number;
  /** When set, these items share one column after all the others. */
  groupsLast?: (id: string) => boolean;
}): string[][] {
  const { members, links, entries, heightOf, groupsLast } = options;
  if (members.length === 0) {
    return [];
  }
  const outgoing = new Map<string, string[]>(members.map(id => [id, []]));
  for (const [from, to] of links) {
    if (entries.has(to) && !entries.has(from)) {
      outgoing.get(to)?.push(from);
    } else {
      outgoing.get(from)?.push(to);
    }
  }
  // Depth-first, in the members' order: a link to an item on the current
  // path closes a cycle and is left out.
  const state = new Map<string, 'open' | 'done'>();
  const order: string[] = [];
  const acyclic = new Map<string, string[]>(members.map(id => [id, []]));
  for (const start of members) {
    if (state.has(start)) continue;
    const stack: Array<{ id: string; next: number }> = [{ id: start, next: 0 }];
    state.set(start, 'open');
    while (stack.length) {
      const top = stack[stack.length - 1];
      const targets = outgoing.get(top.id)!;
      if (top.next < targets.length) {
        const target = targets[top.next++];
        const seen = state.get(target);
        if (seen === 'open') continue;
        acyclic.get(top.id)!.push(target);
        if (!seen) {
          state.set(target, 'open');
          stack.push({ id: target, next: 0 });
        }
      } else {
        state.set(top.id, 'done');
        order.push(top.id);
        stack.pop();
      }
    }
  }
  // `order` is a post-order: reversed, every link points forward.
  const rank = new Map<string, number>(members.map(id => [id, 0]));
  for (let i = order.length - 1; i >= 0; i--) {
    const id = order[i];
    for (const target of acyclic.get(id)!) {
      rank.set(target, Math.max(rank.get(target)!, rank.get(id)! + 1));
    }
  }
  if (groupsLast) {
    const last =
      Math.max(
        -1,
        ...members.filter(id => !groupsLast(id)).map(id => rank.get(id)!),
      ) + 1;
    for (const id of members.filter(groupsLast)) {
      rank.set(id, last);
    }
  }
  const columns: string[][] = [];
  for (const id of members) {
    const column = rank.get(id)!;
    (columns[column] ??= []).push(id);
  }
  const filled = columns.filter(column => column && column.length > 0);

  const incoming = new Map<string, string[]>(members.map(id => [id, []]));
  for (const [from, targets] of acyclic) {
    for (const to of targets) incoming.get(to)!.push(from);
  }
  /** Vertical centre of each item as its column is stacked now. */
  const centres = new Map<string, number>();
  const stack = (column: string[]) => {
    let y = 0;
    for (const id of column) {
      const height = heightOf(id);
      centres.set(id, y + height / 2);
      y += height;
    }
  };
  filled.forEach(stack);
  const sortBy = (column: string[], neighbours: Map<string, string[]>) => {
    const keys = new Map(
      column.map(id => {
        const placedNeighbours = neighbours
          .get(id)!
          .filter(other => centres.has(other));
        const key = placedNeighbours.length
          ? placedNeighbours.reduce(
              (sum, other) => sum + centres.get(other)!,
              0,
            ) / placedNeighbours.length
          : centres.get(id)!;
        return [id, key];
      }),
    );
    column.sort((a, b) => keys.get(a)! - keys.get(b)!);
    stack(column);
  };
  for (let i = 1; i < filled.length; i++) sortBy(filled[i], incoming);
  for (let i = filled.length - 2; i >= 0; i--) sortBy(filled[i], outgoing);
  return filled;
}

/** A curve from one box's border to another's, leaving and entering level. */
function curveBetween(from: Placed, to: Placed): [Point, Point, Point, Point] {
  const centre = (box: Placed) => ({
    x: box.x + box.width / 2,
    y: box.y + box.height / 2,
  });
  const a = centre(from);
  const b = centre(to);
  if (to.x >= from.x + from.width || to.x + to.width <= from.x) {
    const rightwards = to.x >= from.x + from.width;
    const start = { x: rightwards ? from.x + from.width : from.x, y: a.y };
    const end = { x: rightwards ? to.x : to.x + to.width, y: b.y };
    const bend = Math.max(Math.abs(end.x - start.x) / 2, 20);
    const sign = rightwards ? 1 : -1;
    return [
      start,
      { x: start.x + sign * bend, y: start.y },
      { x: end.x - sign * bend, y: end.y },
      end,
    ];
  }
  // One above the other (the same column).
  const downwards = b.y >= a.y;
  const start = { x: a.x, y: downwards ? from.y + from.height : from.y };
  const end = { x: b.x, y: downwards ? to.y : to.y + to.height };
  const bend = Math.max(Math.abs(end.y - start.y) / 2, 20);
  const sign = downwards ? 1 : -1;
  return [
    start,
    { x: start.x, y: start.y + sign * bend },
    { x: end.x, y: end.y - sign * bend },
    end,
  ];
}
