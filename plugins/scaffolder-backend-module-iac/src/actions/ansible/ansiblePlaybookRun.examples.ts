import { TemplateExample } from '@backstage/plugin-scaffolder-node';
import yaml from 'yaml';

export const examples: TemplateExample[] = [
  {
    description:
      'Configure the virtual machine a terraform:apply step created, by its address',
    example: yaml.stringify({
      steps: [
        {
          id: 'configure',
          action: 'ansible:playbook:run',
          name: 'Install Docker and the node exporter',
          input: {
            playbook: 'ansible/site.yaml',
            hosts: ['${{ steps.apply.output.outputs.public_ip }}'],
            remoteUser: 'admin',
            become: true,
            extraVars: { install_docker: true, install_node_exporter: true },
          },
        },
      ],
    }),
  },
  {
    description: 'Run a playbook against an inventory file, limited and tagged',
    example: yaml.stringify({
      steps: [
        {
          id: 'configure',
          action: 'ansible:playbook:run',
          name: 'Rotate the monitoring agents',
          input: {
            playbook: 'playbooks/monitoring.yaml',
            inventory: 'inventories/production.ini',
            limit: 'webservers',
            tags: ['node_exporter'],
            sensitiveExtraVars: { api_key: '${{ secrets.monitoringApiKey }}' },
          },
        },
      ],
    }),
  },
];
