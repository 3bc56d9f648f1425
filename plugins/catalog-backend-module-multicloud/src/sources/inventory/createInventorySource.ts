import { readdir, readFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import { InputError } from '@backstage/errors';
import { CloudResource } from '@multicloud/plugin-multicloud-common';
import { compareByNativeId } from '../../lib/order';
import { CloudSourceFactoryOptions, WholeCloudSource } from '../types';
import { isAwsInventory, parseAwsInventory } from '../aws/parseAwsInventory';
import { MappedAzureRecord } from '../azure/mapAzureResources';
import {
  mapAzureInventoryRecords,
  readAzureInventoryRecords,
} from '../azure/parseAzureInventory';
import { parseGcpInventory } from '../gcp/parseGcpInventory';
import { parseKubernetesInventory } from '../kubernetes/parseKubernetesInventory';
import { readInventorySourceConfig } from './config';

const AWS_ACCOUNT = /^\d{12}$/;
const AWS_REGION = /^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d+$/;

async function listJsonFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, {
    withFileTypes: true,
    recursive: true,
  });
  return entries
    .filter(e => e.isFile() && e.name.endsWith('.json'))
    .map(e => join(e.parentPath, e.name))
    .sort();
}

/**
 * Which CLI printed a file, told by its shape: `aws` commands print an
 * object keyed by the collection, `az ... list` and `gcloud asset
 * search-all-resources` print arrays, `kubectl get -o json` prints a List.
 * Azure files are mapped together once every file is read (`azureRecords`
 * collects them): a VM of `az vm list` relates to the network interfaces of
 * `az network nic list`, and `az resource list` lists the same VM again.
 * The resources of `aws resourcegroupstaggingapi get-resources` are known
 * by ARN and tags only (`awsTagged` collects them): they give their tags to
 * the same resources of another file, and stand for those no other file
 * lists.
 */
function parseFile(
  json: unknown,
  file: string,
  root: string,
  azureRecords: MappedAzureRecord[],
  awsTagged: CloudResource[],
  eksClusterArns: ReadonlyMap<string, string>,
): CloudResource[] {
  const segments = relative(root, dirname(file)).split(sep).filter(Boolean);
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const object = json as Record<string, unknown>;
    if (isAwsInventory(object)) {
      const resources = parseAwsInventory(json, {
        accountId: segments.find(s => AWS_ACCOUNT.test(s)),
        region: segments.find(s => AWS_REGION.test(s)),
        source: file,
      });
      if ('ResourceTagMappingList' in object) {
        awsTagged.push(...resources);
        return [];
      }
      return resources;
    }
    if (Array.isArray(object.items) && typeof object.apiVersion === 'string') {
      const clusterName = segments.length
        ? segments[segments.length - 1]
        : basename(file, '.json');
      return parseKubernetesInventory(json, {
        clusterName,
        eksClusterArn: eksClusterArns.get(clusterName),
      });
    }
  }
  if (Array.isArray(json)) {
    if (json.length === 0) {
      return [];
    }
    const first = json[0] as Record<string, unknown>;
    if (
      typeof first?.id === 'string' &&
      first.id.startsWith('/subscriptions/')
    ) {
      azureRecords.push(...readAzureInventoryRecords(json, file));
      return [];
    }
    if (
      typeof first?.assetType === 'string' &&
      String(first.name).startsWith('//')
    ) {
      return parseGcpInventory(json);
    }
  }
  throw new InputError(
    `${file} is not a recognized inventory file: expected the JSON printed by 'aws ec2 describe-*' (or another supported 'aws' command), 'az resource list', 'az group list' (or another 'az ... list'), 'gcloud asset search-all-resources --format=json' or 'kubectl get ... -o json'`,
  );
}

/**
 * Reads every `*.json` file below a folder of cloud CLI exports. Any file that
 * cannot be read or recognized fails the whole read, so a half-broken export
 * never replaces a good one.
 */
export async function readInventoryFolder(
  folder: string,
  eksClusterArns: ReadonlyMap<string, string> = new Map(),
): Promise<CloudResource[]> {
  const files = await listJsonFiles(folder);
  const byNativeId = new Map<string, CloudResource>();
  const azureRecords: MappedAzureRecord[] = [];
  const awsTagged: CloudResource[] = [];
  for (const file of files) {
    let json: unknown;
    try {
      json = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new InputError(`Cannot read inventory file ${file}: ${error}`);
    }
    for (const resource of parseFile(
      json,
      file,
      folder,
      azureRecords,
      awsTagged,
      eksClusterArns,
    )) {
      byNativeId.set(resource.nativeId, resource);
    }
  }
  for (const resource of mapAzureInventoryRecords(azureRecords)) {
    byNativeId.set(resource.nativeId, resource);
  }
  for (const tagged of awsTagged) {
    const listed = byNativeId.get(tagged.nativeId);
    if (!listed) {
      byNativeId.set(tagged.nativeId, tagged);
    } else if (Object.keys(tagged.tags).length) {
      // Listings without tags (Lambda, S3, ...) get them from the export;
      // a listing's own tags win.
      const tags = { ...tagged.tags, ...listed.tags };
      byNativeId.set(tagged.nativeId, {
        ...listed,
        tags,
        name: listed.tags.Name || tags.Name || listed.name,
      });
    }
  }
  return resolveRelationsAcrossFiles([...byNativeId.values()]).sort(
    compareByNativeId,
  );
}

/**
 * Points relations at the exact native id of their target even when another
 * file spells it in other case: ARM returns `RG-WEB` inside a resource id and
 * `rg-web` in `az group list`.
 */
function resolveRelationsAcrossFiles(
  resources: CloudResource[],
): CloudResource[] {
  const exact = new Set(resources.map(r => r.nativeId));
  const byLowerCase = new Map(
    resources.map(r => [r.nativeId.toLowerCase(), r.nativeId]),
  );
  return resources.map(resource => {
    if (resource.relations.every(r => exact.has(r.targetNativeId))) {
      return resource;
    }
    return {
      ...resource,
      relations: resource.relations.map(relation => ({
        ...relation,
        targetNativeId:
          byLowerCase.get(relation.targetNativeId.toLowerCase()) ??
          relation.targetNativeId,
      })),
    };
  });
}

/**
 * A source over a folder of inventory files exported by the clouds' own CLIs
 * (`aws ec2 describe-*`, `aws configservice select-aggregate-resource-config`,
 * `aws resourcegroupstaggingapi get-resources`, `az resource list`, `gcloud asset
 * search-all-resources`, `kubectl get -o json`), read anew on every run. It
 * needs none of the cloud SDKs and loads none.
 */
export function createInventorySource(
  options: CloudSourceFactoryOptions,
): WholeCloudSource {
  const { folder, eksClusterArns } = readInventorySourceConfig(options.config);
  return {
    id: options.id,
    readResources: () => readInventoryFolder(folder, eksClusterArns),
  };
}
