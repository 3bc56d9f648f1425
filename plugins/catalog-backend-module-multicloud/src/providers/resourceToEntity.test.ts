import { CloudResource } from '@multicloud/plugin-multicloud-common';
import {
  ResourceMappingLookups,
  ResourceMappingOptions,
  resourceToEntity,
} from './resourceToEntity';

const options: ResourceMappingOptions = {
  location: 'multicloud:demo',
  defaultOwner: 'group:default/platform-team',
  ownerTagKeys: ['owner', 'team'],
};

const volume: CloudResource = {
  provider: 'aws',
  accountId: '111122223333',
  region: 'eu-west-1',
  type: 'ebs-volume',
  nativeId: 'arn:aws:ec2:eu-west-1:111122223333:volume/vol-1',
  costResourceId: 'vol-1',
  name: 'ledger-data-old',
  tags: { component: 'ledger-service', environment: 'prod' },
  relations: [],
  annotations: {
    'amazonaws.com/arn': 'arn:aws:ec2:eu-west-1:111122223333:volume/vol-1',
    'multicloud.io/attached': 'false',
  },
};

/** Lookups over a catalog with two groups, sharing strings as the provider does. */
function lookups(): ResourceMappingLookups & { sharedValues: Set<string> } {
  const groups: Record<string, string> = {
    'checkout-team': 'group:default/checkout-team',
    'payments-team': 'group:default/payments-team',
  };
  const sharedStrings = new Map<string, string>();
  return {
    nameOf: () => undefined,
    ownerOf: value => (value ? groups[value.trim().toLowerCase()] : undefined),
    shared: value => {
      if (!sharedStrings.has(value)) {
        sharedStrings.set(value, value);
      }
      return sharedStrings.get(value)!;
    },
    get sharedValues() {
      return new Set(sharedStrings.keys());
    },
  };
}

describe('resourceToEntity', () => {
  it('says when the default owner was used because no owner tag was set', () => {
    const entity = resourceToEntity(volume, 'vol-1', options, lookups());

    expect(entity.spec?.owner).toBe('group:default/platform-team');
    expect(entity.metadata.annotations).toMatchObject({
      'multicloud.io/default-owner': 'true',
      'multicloud.io/attached': 'false',
    });
    expect(entity.metadata.annotations).not.toHaveProperty([
      'multicloud.io/owner-tag',
    ]);
    expect(entity.spec?.dependencyOf).toEqual(['component:ledger-service']);
  });

  it('keeps the owner tag that names no Group, such as a deleted team, next to the default owner', () => {
    const mapping = lookups();
    const entity = resourceToEntity(
      { ...volume, tags: { team: ' growth-team ', environment: 'prod' } },
      'vol-1',
      options,
      mapping,
    );

    expect(entity.spec?.owner).toBe('group:default/platform-team');
    expect(entity.metadata.annotations).toMatchObject({
      'multicloud.io/default-owner': 'true',
      'multicloud.io/owner-tag': 'growth-team',
    });
    // The owner tag is no label, so the annotation is the only trace of it.
    expect(entity.metadata.labels).not.toHaveProperty(['team']);
    expect(mapping.sharedValues.has('growth-team')).toBe(true);
  });

  it('takes the first owner tag with a value when none resolves', () => {
    const entity = resourceToEntity(
      { ...volume, tags: { owner: 'mobile-team', team: 'growth-team' } },
      'vol-1',
      options,
      lookups(),
    );
    expect(entity.metadata.annotations?.['multicloud.io/owner-tag']).toBe(
      'mobile-team',
    );
  });

  it('writes neither annotation when an owner tag names a Group', () => {
    // The first key names no group, the second does: the owner resolves.
    const entity = resourceToEntity(
      { ...volume, tags: { owner: 'growth-team', team: 'Payments-Team' } },
      'vol-1',
      options,
      lookups(),
    );

    expect(entity.spec?.owner).toBe('group:default/payments-team');
    expect(entity.metadata.annotations).not.toHaveProperty([
      'multicloud.io/default-owner',
    ]);
    expect(entity.metadata.annotations).not.toHaveProperty([
      'multicloud.io/owner-tag',
    ]);
  });

  it('passes the facts a source wrote through as annotations, through the shared strings', () => {
    const openIngress =
      '[{"protocol":"tcp","ports":"22","source":"0.0.0.0/0"}]';
    const mapping = lookups();
    const entity = resourceToEntity(
      {
        ...volume,
        type: 'security-group',
        nativeId: 'arn:aws:ec2:eu-west-1:111122223333:security-group/sg-1',
        tags: { owner: 'checkout-team' },
        annotations: { 'multicloud.io/open-ingress': openIngress },
      },
      'sg-1',
      options,
      mapping,
    );

    expect(entity.metadata.annotations?.['multicloud.io/open-ingress']).toBe(
      openIngress,
    );
    expect(mapping.sharedValues.has(openIngress)).toBe(true);
    expect(entity.metadata.annotations).not.toHaveProperty([
      'multicloud.io/default-owner',
    ]);
  });
});
