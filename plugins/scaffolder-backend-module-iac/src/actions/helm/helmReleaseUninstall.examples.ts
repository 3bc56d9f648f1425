import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      "Remove the owning team's preview deployment, whether or not it still exists",
    example: yaml.stringify({
      steps: [
        {
          id: 'remove',
          action: 'helm:release:uninstall',
          name: 'Remove the preview',
          input: {
            owner: '${{ parameters.owner }}',
            name: 'preview-${{ parameters.pullRequest }}',
            namespace: 'previews',
            ignoreNotFound: true,
          },
        },
      ],
    }),
  },
];
