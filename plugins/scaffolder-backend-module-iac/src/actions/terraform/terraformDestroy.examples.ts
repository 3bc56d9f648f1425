import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Tear down the resources of a Terraform configuration, from the state of the owning team',
    example: yaml.stringify({
      steps: [
        {
          id: 'destroy',
          action: 'terraform:destroy',
          name: 'Destroy the preview environment',
          input: {
            workingDirectory: 'terraform',
            backend: 'aws',
            owner: '${{ parameters.owner }}',
            name: 'preview.${{ parameters.name }}',
            variables: { name: '${{ parameters.name }}' },
          },
        },
      ],
    }),
  },
];
