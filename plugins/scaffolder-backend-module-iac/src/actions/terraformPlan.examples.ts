import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Plan the Terraform configuration fetched into ./terraform',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'terraform:plan',
          name: 'Plan the virtual machine',
          input: {
            workingDirectory: 'terraform',
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
      'Plan with a secret variable and a per-service state key for the backend',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'terraform:plan',
          name: 'Plan the database',
          input: {
            workingDirectory: 'infra/database',
            variables: { name: '${{ parameters.name }}' },
            sensitiveVariables: { admin_password: '${{ secrets.dbPassword }}' },
            backendConfig: { key: 'services/${{ parameters.name }}.tfstate' },
          },
        },
      ],
    }),
  },
];
