/*
 * The catalog of the reattribute part, served over HTTP by the bench
 * (../alerts/catalogServer.ts): the estate's entities (queryEstate.ts, the
 * catalog the kept store was built with) plus Resources that bill nothing,
 * up to `--resources` Resource entities, and the change the part makes to
 * it: 1% of the resources that bill move, half to another Component, half
 * to another owner Group, each with the relations on both sides, as the
 * catalog would serve them after such an edit.
 *
 * Resources that bill nothing change no attribution (no fact carries their
 * ids), so the kept store stays attributed as it was; they make the plugin
 * read a catalog of the size the issue gives.
 */
import { Entity } from '@backstage/catalog-model';
import { Estate, entity, relation } from './queryEstate';
import { pick, random } from './lib';

/** Share of the resources that bill that the part moves. */
export const MOVED_SHARE = 0.01;

/** One resource the part moved: to another Component, or to another owner. */
export type CatalogMove = {
  resourceRef: string;
  change: 'component' | 'owner';
  /** The Component or Group before and after. */
  from: string;
  to: string;
  /** The system of the Component before and after (component moves). */
  fromSystem?: string;
  toSystem?: string;
};

const refOf = (e: Entity) =>
  `${e.kind.toLocaleLowerCase('en-US')}:default/${e.metadata.name}`;

/**
 * The estate's entities (copies: the part changes them in place) and
 * Resources that bill nothing, each depending on a Component (spread as the
 * estate spread its resources) and owned by its owner, until the catalog
 * holds `resources` Resource entities (or the estate's, when it has more).
 */
export function servedCatalog(estate: Estate, resources: number): Entity[] {
  const entities = estate.entities.map(e => structuredClone(e));
  const byRef = new Map(entities.map(e => [refOf(e), e]));
  const { components, pickComponent } = estate.plan;
  const estateResources = entities.filter(e => e.kind === 'Resource').length;
  for (let i = 0; i < resources - estateResources; i++) {
    const component = components[pickComponent()];
    const name = `idle-interface-${String(i + 1).padStart(6, '0')}`;
    const ref = `resource:default/${name}`;
    const owner = `group:default/${component.owner}`;
    entities.push(
      entity('Resource', name, {
        annotations: {
          'multicloud.io/resource-id': `arn:aws:ec2:eu-west-1:000000000000:network-interface/eni-${String(
            i + 1,
          ).padStart(17, '0')}`,
        },
        spec: { type: 'network-interface', owner },
        relations: [
          relation('dependencyOf', `component:default/${component.name}`),
          relation('ownedBy', owner),
        ],
      }),
    );
    byRef
      .get(`component:default/${component.name}`)!
      .relations!.push(relation('dependsOn', ref));
    byRef.get(owner)!.relations!.push(relation('ownerOf', ref));
  }
  return entities;
}

/** Replaces the target of the entity's relation of `type` from `from` to `to`. */
function retarget(e: Entity, type: string, from: string, to: string) {
  e.relations = [
    ...e.relations!.filter(r => !(r.type === type && r.targetRef === from)),
    relation(type, to),
  ];
}

function dropRelation(e: Entity, type: string, targetRef: string) {
  e.relations = e.relations!.filter(
    r => !(r.type === type && r.targetRef === targetRef),
  );
}

/**
 * Moves `MOVED_SHARE` of the resources that bill (at least two), picked at
 * random among those with a Resource entity (the others are attributed by a
 * tag in the facts, or not at all): the first half to a Component of
 * another System (another Component of the same one when there is one
 * System), the rest to another owner Group (none when the estate has one
 * Group: those move to a Component too). Changes `entities` in place.
 */
export function moveResources(
  entities: Entity[],
  estate: Estate,
): CatalogMove[] {
  const next = random(2026);
  const byRef = new Map(entities.map(e => [refOf(e), e]));
  const { planned, components, groups } = estate.plan;
  const candidates = planned
    .filter(p => p.mode === 'resource')
    .map(p => `resource:default/${p.entityName}`);
  const count = Math.min(
    candidates.length,
    Math.max(2, Math.round(planned.length * MOVED_SHARE)),
  );
  const picked: string[] = [];
  while (picked.length < count) {
    const ref = pick(next, candidates);
    if (!picked.includes(ref)) {
      picked.push(ref);
    }
  }
  const systemOf = new Map(
    components.map(c => [`component:default/${c.name}`, c.system]),
  );
  const moves: CatalogMove[] = [];
  picked.forEach((resourceRef, i) => {
    const resource = byRef.get(resourceRef)!;
    const relationTarget = (type: string) =>
      resource.relations!.find(r => r.type === type)!.targetRef;
    if (i < Math.ceil(count / 2) || groups.length < 2) {
      const from = relationTarget('dependencyOf');
      const fromSystem = systemOf.get(from)!;
      const elsewhere = components
        .map(c => `component:default/${c.name}`)
        .filter(c => c !== from && systemOf.get(c) !== fromSystem);
      const others = elsewhere.length
        ? elsewhere
        : components
            .map(c => `component:default/${c.name}`)
            .filter(c => c !== from);
      const to = pick(next, others);
      retarget(resource, 'dependencyOf', from, to);
      dropRelation(byRef.get(from)!, 'dependsOn', resourceRef);
      byRef.get(to)!.relations!.push(relation('dependsOn', resourceRef));
      moves.push({
        resourceRef,
        change: 'component',
        from,
        to,
        fromSystem: `system:default/${fromSystem}`,
        toSystem: `system:default/${systemOf.get(to)}`,
      });
    } else {
      const from = relationTarget('ownedBy');
      const to = `group:default/${pick(
        next,
        groups.filter(g => `group:default/${g}` !== from),
      )}`;
      retarget(resource, 'ownedBy', from, to);
      resource.spec = { ...resource.spec, owner: to };
      dropRelation(byRef.get(from)!, 'ownerOf', resourceRef);
      byRef.get(to)!.relations!.push(relation('ownerOf', resourceRef));
      moves.push({ resourceRef, change: 'owner', from, to });
    }
  });
  return moves;
}
