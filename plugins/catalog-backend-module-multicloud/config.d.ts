import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  catalog?: {
    providers?: {
      /**
       * Cloud sources of the multicloud entity provider, keyed by source id.
       * Each source runs on its own schedule and owns its own entities: a
       * source that fails keeps the entities of its last good run.
       */
      multicloud?: {
        [sourceId: string]: {
          /**
           * Kind of source: `aws`, `azure`, `gcp`, `kubernetes` or
           * `inventory` (a folder of CLI exports). May be omitted only for a
           * source that another module adds through the extension point.
           * @visibility backend
           */
          type?: 'aws' | 'azure' | 'gcp' | 'kubernetes' | 'inventory';
          /**
           * Owner of resources whose owner tags name no existing group, as an
           * entity ref such as `group:platform-team`. Default: `unknown`.
           * @visibility backend
           */
          defaultOwner?: string;
          /**
           * Tag keys that name a resource's owning group, first match wins.
           * Default: `['owner', 'team']`.
           * @visibility backend
           */
          ownerTagKeys?: string[];
          /**
           * Largest share (0..1) of the source's entities one run may
           * remove; a run that would remove more is refused with a warning.
           * Default: 0.5.
           * @visibility backend
           */
          maxRemovalShare?: number;
          /**
           * How often the source is read. Default: every 30 minutes, with a
           * 10 minute timeout and a 15 second initial delay.
           * @visibility backend
           */
          schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
          /**
           * Requests in flight at once for this source. Default: 4.
           * @visibility backend
           */
          concurrency?: number;
          /**
           * Retries of a throttled or failed request, with exponential
           * backoff and jitter. Default: 5.
           * @visibility backend
           */
          retries?: number;
          /**
           * Timeout of one request in milliseconds. Default: 30000.
           * @visibility backend
           */
          requestTimeoutMs?: number;

          /**
           * inventory: folder of JSON files printed by `aws ec2 describe-*`,
           * `aws configservice select-aggregate-resource-config`, `aws
           * resourcegroupstaggingapi get-resources` (and the other `aws`
           * listings the README names), `az resource list`, `az group
           * list`, `gcloud asset search-all-resources --format=json` and
           * `kubectl get ... -o json`, relative to the backend's working
           * directory.
           * @visibility backend
           */
          path?: string;
          /**
           * inventory: per kubectl export's cluster (its folder's name), the
           * ARN of the EKS cluster it is, when the inventory also holds that
           * EKS cluster: its objects then belong to the EKS cluster's entity.
           * @visibility backend
           */
          kubernetesClusters?: {
            [clusterName: string]: { eksClusterArn: string };
          };

          /**
           * aws: regions to read. Default: every region enabled for the
           * account (`DescribeRegions`).
           * @visibility backend
           */
          regions?: string[];
          /**
           * aws: region for `DescribeRegions`, `GetCallerIdentity` and the
           * deprecated `roleArn`'s AssumeRole calls. Default: `us-east-1`.
           * @visibility backend
           */
          defaultRegion?: string;
          /**
           * aws: accounts the per-service listers read (`types`). Their
           * credentials come from Backstage's `aws` integration config
           * (`aws.accounts` with static keys, a profile or a `roleName` to
           * assume, `aws.accountDefaults`, `aws.mainAccount`), which every
           * AWS plugin reads. Default: the account of `aws.mainAccount`
           * (else of the default credential chain), or none when
           * `configAggregator` is set: list here the accounts the
           * aggregator does not cover.
           * @visibility backend
           */
          accounts?: Array<{
            /** @visibility backend */
            accountId: string;
            /**
             * Role assumed with the main account's credentials.
             * @deprecated configure the role under `aws.accounts`
             * (`roleName`) instead; a warning is logged when it is set.
             * @visibility backend
             */
            roleArn?: string;
            /**
             * External id of `roleArn`.
             * @deprecated configure it under `aws.accounts` (`externalId`).
             * @visibility secret
             */
            externalId?: string;
          }>;
          /**
           * aws: EC2 endpoint override (VPC endpoints, tests), the same as
           * `endpoints.ec2`; azure: ARM endpoint for sovereign clouds or
           * Azure Stack Hub.
           * @visibility backend
           */
          endpoint?: string;
          /**
           * aws: STS endpoint override, for `GetCallerIdentity` and the
           * deprecated `roleArn`; the same as `endpoints.sts`.
           * @visibility backend
           */
          stsEndpoint?: string;
          /**
           * aws: endpoint overrides (VPC endpoints, tests) by service:
           * `ec2`, `sts`, `config`, `rds`, `s3` (read with path-style
           * requests when set), `lambda`, `eks`, `elbv2`, `dynamodb`,
           * `elasticache`, `ecs`, `sqs`, `sns`, `tagging` (the Resource
           * Groups Tagging API). Default: each service's public endpoint.
           * @visibility backend
           */
          endpoints?: { [service: string]: string };
          /**
           * aws: what the per-service listers read in each of `accounts`
           * and `regions`, some of `instances`, `vpcs`, `subnets`,
           * `security-groups`, `volumes`, `network-interfaces`,
           * `elastic-ips`, `nat-gateways`, `rds-instances`, `rds-clusters`,
           * `rds-subnet-groups`, `s3-buckets`, `lambda-functions`,
           * `eks-clusters`, `load-balancers`, `target-groups`,
           * `dynamodb-tables`, `elasticache-clusters`, `ecs-clusters`,
           * `ecs-services`, `sqs-queues`, `sns-topics`. Only the SDK clients
           * of the listed types are loaded. Default: all.
           * @visibility backend
           */
          types?: string[];
          /**
           * aws: the EC2 kinds to read.
           * @deprecated name them in `types`, which takes the other
           * services' types too.
           * @visibility backend
           */
          resourceKinds?: string[];
          /**
           * aws: an AWS Config aggregator to read every resource it records,
           * of every account and region it aggregates, in one paginated
           * `SelectAggregateResourceConfig` query, with its tags and Config's
           * relationships. The per-service listers then read only the
           * `accounts` listed beside it (those without Config).
           * @visibility backend
           */
          configAggregator?: {
            /** @visibility backend */
            name: string;
            /**
             * Region of the aggregator. Default: `defaultRegion`.
             * @visibility backend
             */
            region?: string;
            /**
             * Account the aggregator lives in (a delegated administrator),
             * read with that account's credentials from the `aws`
             * integration config. Default: the main account.
             * @visibility backend
             */
            accountId?: string;
            /**
             * CloudFormation types to read, for example
             * `AWS::RDS::DBInstance`. Default: every recorded type (but
             * Config's own compliance records).
             * @visibility backend
             */
            resourceTypes?: string[];
          };

          /**
           * azure: subscriptions to read, with `DefaultAzureCredential`.
           * @visibility backend
           */
          subscriptionIds?: string[];
          /**
           * azure: PEM of a private CA that signs the ARM endpoint's
           * certificate (Azure Stack Hub).
           * @visibility backend
           */
          caCertificate?: string;
          /**
           * azure: token scope of the credential. Default: the endpoint's
           * origin + `/.default`.
           * @visibility backend
           */
          tokenScope?: string;
          /**
           * azure: portal base URL for console links. Default:
           * `https://portal.azure.com`.
           * @visibility backend
           */
          portalUrl?: string;
          /**
           * azure: also ingest resource groups. Default: true.
           * @visibility backend
           */
          includeResourceGroups?: boolean;
          /**
           * azure: ARM resource types to read, for example
           * `Microsoft.Compute/virtualMachines`. Default: all.
           * @visibility backend
           */
          resourceTypes?: string[];

          /**
           * gcp: `organizations/<number>`, `folders/<number>` or
           * `projects/<id>`, searched with Application Default Credentials.
           * @visibility backend
           */
          scope?: string;
          /**
           * gcp: Cloud Asset types to read, for example
           * `compute.googleapis.com/Instance`. Default: all.
           * @visibility backend
           */
          assetTypes?: string[];
          /**
           * gcp: Cloud Asset search query. Default: none.
           * @visibility backend
           */
          query?: string;
          /**
           * gcp: results per page (gcp, default 500) or list page size
           * (kubernetes, default 250).
           * @visibility backend
           */
          pageSize?: number;
          /**
           * gcp: `grpc` (default) or `rest`.
           * @visibility backend
           */
          transport?: 'grpc' | 'rest';
          /**
           * gcp: where the Cloud Asset client connects, for a private
           * endpoint, a proxy or an emulator. A host name
           * (`cloudasset.googleapis.com`, `private.googleapis.com`), reached
           * over TLS on port 443, or a URL: `https://host[:port]` (port 443
           * by default) or `http://host[:port]` (port 80 by default; plain
           * http only with `transport: rest`, since the gRPC transport
           * always speaks TLS). The URL names no path, query, fragment or
           * credentials: the client adds the API's paths, and authenticates
           * with Application Default Credentials. Default: the SDK's,
           * `cloudasset.googleapis.com`.
           * @visibility backend
           */
          apiEndpoint?: string;

          /**
           * kubernetes: the cluster to read, with exactly one way to connect:
           * `kubeconfigPath` (and `context`), `inCluster`, or `url` with
           * `serviceAccountToken` (and `caData` or `skipTLSVerify`).
           * @visibility backend
           */
          cluster?: {
            /** @visibility backend */
            name: string;
            /** @visibility backend */
            region?: string;
            /** @visibility backend */
            dashboardUrl?: string;
            /**
             * Written to `kubernetes.io/auth-provider` on the cluster's
             * entity: how Backstage's Kubernetes backend authenticates to
             * the cluster when it finds it through the catalog cluster
             * locator (`google`, `aws`, `azure`, `oidc`...; that locator
             * ignores `serviceAccount`). Default: `serviceAccount`.
             * @visibility backend
             */
            authProvider?: string;
            /** @visibility backend */
            kubeconfigPath?: string;
            /** @visibility backend */
            context?: string;
            /** @visibility backend */
            inCluster?: boolean;
            /** @visibility backend */
            url?: string;
            /** @visibility secret */
            serviceAccountToken?: string;
            /** @visibility backend */
            caData?: string;
            /** @visibility backend */
            skipTLSVerify?: boolean;
            /**
             * The ARN of the EKS cluster this cluster is, which an `aws`
             * source reads: the objects then belong to that cluster's
             * entity, and this source writes no cluster entity of its own.
             * Default: the kubeconfig's cluster name when it is an EKS ARN
             * (as `aws eks update-kubeconfig` writes it).
             * @visibility backend
             */
            eksClusterArn?: string;
          };
          /**
           * kubernetes: namespaces to read. Default: all.
           * @visibility backend
           */
          namespaces?: string[];
        };
      };
    };
  };
}
