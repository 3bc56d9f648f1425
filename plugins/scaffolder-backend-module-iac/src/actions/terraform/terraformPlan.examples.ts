import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Plan the Terraform configuration fetched into ./terraform, with its state under the owning team in the aws backend profile',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'terraform:plan',
          name: 'Plan the virtual machine',
          input: {
            workingDirectory: 'terraform',
            backend: 'aws',
            owner: '${{ parameters.owner }}',
            name: 'aws-vm.${{ parameters.name }}',
            variables: {
              name: '${{ parameters.name }}',
              region: '${{ parameters.region }}',
              tags: {
                owner:
                  '${{ parameters.owner | parseEntityRef | pick("name") }}',
              },
            },
          },
        },
      ],
    }),
  },
  {
    description:
      'Plan with a secret variable; the state key is derived from owner and name, never given',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'terraform:plan',
          name: 'Plan the database',
          input: {
            workingDirectory: 'infra/database',
            backend: 'aws',
            owner: '${{ parameters.owner }}',
            name: 'database.${{ parameters.name }}',
            variables: { name: '${{ parameters.name }}' },
            sensitiveVariables: { admin_password: '${{ secrets.dbPassword }}' },
          },
        },
      ],
    }),
  },
];
