import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Deploy the chart that fetch:template put in ./chart (needs multicloud.iac.helm.allowWorkspaceCharts) as the release <team>-<name>',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'helm:release:upgrade',
          name: 'Deploy to Kubernetes',
          input: {
            owner: '${{ parameters.owner }}',
            name: '${{ parameters.name }}',
            namespace: '${{ parameters.namespace }}',
            chart: 'chart',
            values: {
              image: {
                repository: '${{ parameters.image }}',
                tag: '${{ parameters.tag }}',
              },
              replicaCount: '${{ parameters.replicas }}',
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Install a chart from an allowed repository, with a secret value, creating the namespace',
    example: yaml.stringify({
      steps: [
        {
          id: 'deploy',
          action: 'helm:release:upgrade',
          name: 'Install Redis',
          input: {
            owner: '${{ parameters.owner }}',
            name: 'cache',
            namespace: '${{ parameters.namespace }}',
            repository: 'oci://registry-1.docker.io/bitnamicharts',
            chartName: 'redis',
            version: '20.1.0',
            createNamespace: true,
            sensitiveValues: {
              auth: { password: '${{ secrets.redisPassword }}' },
            },
            waitTimeout: '10m',
          },
        },
      ],
    }),
  },
];
