import fs from 'node:fs';
import path from 'node:path';
import { createTempDir, FAKE_HELM, iacConfig } from './testContext';

export function createChartWorkspace(): string {
  const workspace = createTempDir('iac-helm-');
  const chart = path.join(workspace, 'chart');
  fs.mkdirSync(path.join(chart, 'templates'), { recursive: true });
  fs.writeFileSync(
    path.join(chart, 'Chart.yaml'),
    'apiVersion: v2\nname: web\nversion: 0.3.0\nappVersion: "2.4.1"\n',
  );
  fs.writeFileSync(path.join(chart, 'values.yaml'), 'replicaCount: 1\n');
  return workspace;
}

/**
 * Config pointing at the Helm stand-in, with its releases kept in stateDir,
 * workspace charts allowed and the namespaces `shop` and `team-*`.
 */
export function helmConfig(stateDir: string, extra: Record<string, any> = {}) {
  return iacConfig({
    helm: {
      binary: FAKE_HELM,
      environment: { FAKE_HELM_STATE_DIR: stateDir },
      allowedRepositories: ['https://charts.example.com/stable/'],
      allowedNamespaces: ['shop', 'team-*'],
      allowWorkspaceCharts: true,
      ...extra,
    },
  });
}

/** The owner most Helm tests deploy for; its releases are `checkout-team-<name>`. */
export const TEAM = 'group:default/checkout-team';

/** Every call of the stand-in but `helm list`, the owner check before each change. */
export function helmChanges(stateDir: string): any[] {
  return helmCalls(stateDir).filter(call => call.args[0] !== 'list');
}

export function helmCalls(stateDir: string): any[] {
  const file = path.join(stateDir, 'calls.jsonl');
  return fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map(line => JSON.parse(line))
    : [];
}
