import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description: 'Remove a preview deployment, whether or not it still exists',
    example: yaml.stringify({
      steps: [
        {
          id: 'remove',
          action: 'helm:release:uninstall',
          name: 'Remove the preview',
          input: {
            releaseName: 'preview-${{ parameters.pullRequest }}',
            namespace: 'previews',
            ignoreNotFound: true,
          },
        },
      ],
    }),
  },
];
