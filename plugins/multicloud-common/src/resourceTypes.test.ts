import { RESOURCE_TYPES, resourceTypeFor } from './resourceTypes';

describe('resourceTypeFor', () => {
  it('uses the table for known native types, case-insensitively', () => {
    expect(resourceTypeFor('azure', 'Microsoft.Compute/virtualMachines')).toBe(
      'azure-virtual-machine',
    );
    expect(resourceTypeFor('azure', 'microsoft.compute/VIRTUALMACHINES')).toBe(
      'azure-virtual-machine',
    );
    expect(resourceTypeFor('gcp', 'compute.googleapis.com/Instance')).toBe(
      'gcp-compute-instance',
    );
    expect(resourceTypeFor('kubernetes', 'Deployment')).toBe(
      'kubernetes-deployment',
    );
    expect(resourceTypeFor('aws', 'AWS::EC2::Instance')).toBe('ec2-instance');
  });

  it('derives kebab-case types for native types outside the table', () => {
    expect(resourceTypeFor('azure', 'Microsoft.Web/staticSites')).toBe(
      'azure-web-static-sites',
    );
    expect(resourceTypeFor('gcp', 'pubsub.googleapis.com/Topic')).toBe(
      'gcp-pubsub-topic',
    );
    expect(resourceTypeFor('kubernetes', 'CronJob')).toBe(
      'kubernetes-cron-job',
    );
  });

  it('keeps every type of the table kebab-case and unique per provider and native type', () => {
    const seen = new Set<string>();
    for (const [type, info] of Object.entries(RESOURCE_TYPES)) {
      expect(type).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const native of info.nativeTypes) {
        const key = `${info.provider}:${native.toLowerCase()}`;
        expect(seen.has(key)).toBe(false);
        seen.add(key);
      }
    }
  });
});
