import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Tear down the resources of a Terraform configuration',
    example: yaml.stringify({
      steps: [
        {
          id: 'destroy',
          action: 'terraform:destroy',
          name: 'Destroy the preview environment',
          input: {
            workingDirectory: 'terraform',
            variables: { name: '${{ parameters.name }}' },
            backendConfig: { key: 'previews/${{ parameters.name }}.tfstate' },
          },
        },
      ],
    }),
  },
];
