import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

// Plan and apply take the same input; yaml.stringify writes it once, as an
// anchor, and refers to it from the apply step.
const terraformInput = {
  workingDirectory: 'terraform',
  backend: 'aws',
  owner: '${{ parameters.owner }}',
  name: 'aws-vm.${{ parameters.name }}',
  variables: { name: '${{ parameters.name }}' },
};

export const examples: TemplateExample[] = [
  {
    description:
      'Plan, then apply exactly that plan (a dry run runs neither and logs their commands), and link to what was created',
    example: yaml.stringify({
      steps: [
        {
          id: 'plan',
          action: 'terraform:plan',
          name: 'Plan',
          input: terraformInput,
        },
        {
          id: 'apply',
          action: 'terraform:apply',
          name: 'Apply the saved plan',
          input: terraformInput,
        },
      ],
      output: {
        links: [
          {
            title: 'Open in the cloud console',
            url: '${{ steps.apply.output.outputs.console_url }}',
          },
        ],
      },
    }),
  },
  {
    description: 'Plan and apply in one step, without a separate plan step',
    example: yaml.stringify({
      steps: [
        {
          id: 'apply',
          action: 'terraform:apply',
          name: 'Create the bucket',
          input: {
            workingDirectory: 'infra/bucket',
            backend: 'aws',
            owner: '${{ parameters.owner }}',
            name: 'bucket.${{ parameters.name }}',
            variables: { bucket_name: '${{ parameters.name }}' },
          },
        },
      ],
    }),
  },
];
