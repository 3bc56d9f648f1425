import { BackstageCredentials } from '@backstage/backend-plugin-api';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  MULTICLOUD_ANNOTATIONS,
  MulticloudInventoryChange,
  MulticloudInventoryCount,
} from '@multicloud/plugin-multicloud-common';
import { MulticloudSourceStatusService } from '@multicloud/plugin-multicloud-node';
import {
  CLOUD_RESOURCE_FILTER,
  catalogPagesAs,
  isTagLabel,
} from '../Alerts/rules/entities';
import { InventoryService } from './types';

const PROVIDER = `metadata.annotations.${MULTICLOUD_ANNOTATIONS.provider}`;
const REGION = `metadata.annotations.${MULTICLOUD_ANNOTATIONS.region}`;
const DEFAULT_OWNER = `metadata.annotations.${MULTICLOUD_ANNOTATIONS.defaultOwner}`;
/** The entity provider writes the account (AWS account, Azure subscription, GCP project, cluster) as a label. */
const ACCOUNT = 'metadata.labels.multicloud.io/account';

type Facet = Array<{ value: string; count: number }>;

/** A facet's values as counts, with the provider they belong to. */
function counts(
  facet: Facet | undefined,
  provider?: string,
): MulticloudInventoryCount[] {
  return (facet ?? []).map(({ value, count }) => ({
    key: value,
    ...(provider ? { provider } : {}),
    count,
  }));
}

/**
 * Owner counts by the owner's full ref: the catalog stores `spec.owner` as
 * written (`platform-team`, `group:platform-team`,
 * `group:default/platform-team` are one team).
 */
function ownerCounts(facet: Facet | undefined): MulticloudInventoryCount[] {
  const byRef = new Map<string, number>();
  for (const { value, count } of facet ?? []) {
    let ref: string;
    try {
      ref = stringifyEntityRef(
        parseEntityRef(value, {
          defaultKind: 'group',
          defaultNamespace: 'default',
        }),
      ).toLocaleLowerCase('en-US');
    } catch {
      ref = value;
    }
    byRef.set(ref, (byRef.get(ref) ?? 0) + count);
  }
  return [...byRef].map(([key, count]) => ({ key, count }));
}

/** Most resources first, then by value. */
function byCount(a: MulticloudInventoryCount, b: MulticloudInventoryCount) {
  return (
    b.count - a.count ||
    a.key.localeCompare(b.key, 'en-US') ||
    (a.provider ?? '').localeCompare(b.provider ?? '', 'en-US')
  );
}

/**
 * Creates the inventory service. The catalog counts server-side
 * (`getEntityFacets`), with the caller's credentials so that its permission
 * rules leave out what the caller may not read: one request for the
 * provider, type and owner counts and one per provider for its accounts and
 * regions. Only the resources that got the default owner are read, to find
 * those without any tag (a resource whose owner tag named a group has a tag).
 */
export function createInventoryService(options: {
  catalog: CatalogService;
  sourceStatus: MulticloudSourceStatusService;
}): InventoryService {
  const { catalog, sourceStatus } = options;

  /** Of the resources that got the default owner, those that carry no tag either. */
  async function untagged(credentials: BackstageCredentials): Promise<number> {
    let count = 0;
    for await (const page of catalogPagesAs(catalog, credentials, {
      filter: { ...CLOUD_RESOURCE_FILTER, [DEFAULT_OWNER]: 'true' },
      fields: ['metadata.labels', 'metadata.annotations'],
    })) {
      for (const { metadata } of page) {
        // Tags as the hygiene rule `missing-tags` reads them.
        const tagged =
          Boolean(metadata.annotations?.[MULTICLOUD_ANNOTATIONS.ownerTag]) ||
          Object.keys(metadata.labels ?? {}).some(isTagLabel);
        if (!tagged) {
          count++;
        }
      }
    }
    return count;
  }

  function changes(): MulticloudInventoryChange[] {
    return sourceStatus.list().flatMap(({ id, lastAppliedRun: run }) =>
      run && run.added !== undefined && run.removed !== undefined
        ? [
            {
              sourceId: id,
              finishedAt: run.finishedAt,
              added: run.added,
              removed: run.removed,
            },
          ]
        : [],
    );
  }

  return {
    async inventory(credentials) {
      const [{ facets }, untaggedCount] = await Promise.all([
        catalog.getEntityFacets(
          {
            filter: CLOUD_RESOURCE_FILTER,
            facets: [PROVIDER, 'spec.type', 'spec.owner', DEFAULT_OWNER],
          },
          { credentials },
        ),
        untagged(credentials),
      ]);
      const byProvider = counts(facets[PROVIDER]);
      const perProvider = await Promise.all(
        byProvider.map(async ({ key: provider }) => {
          const answer = await catalog.getEntityFacets(
            {
              filter: { ...CLOUD_RESOURCE_FILTER, [PROVIDER]: provider },
              facets: [ACCOUNT, REGION],
            },
            { credentials },
          );
          return {
            accounts: counts(answer.facets[ACCOUNT], provider),
            regions: counts(answer.facets[REGION], provider),
          };
        }),
      );
      return {
        total: byProvider.reduce((sum, { count }) => sum + count, 0),
        byProvider: byProvider.sort(byCount),
        byType: counts(facets['spec.type']).sort(byCount),
        byAccount: perProvider.flatMap(p => p.accounts).sort(byCount),
        byRegion: perProvider.flatMap(p => p.regions).sort(byCount),
        byOwner: ownerCounts(facets['spec.owner']).sort(byCount),
        unowned:
          facets[DEFAULT_OWNER]?.find(({ value }) => value === 'true')?.count ??
          0,
        untagged: untaggedCount,
        changes: changes(),
      };
    },
  };
}
