import { TopologyStatus } from '@multicloud/plugin-multicloud-common';

/*
 * Provider states as the sources report them (EC2 and EBS states, Azure
 * provisioning states, Cloud Asset states, Kubernetes namespace phases),
 * lower-cased with `_` and spaces as `-`. Transitional states (pending,
 * creating, updating, provisioning...) stay unknown.
 */
const RUNNING = new Set([
  'running',
  'available',
  'in-use',
  'succeeded',
  'runnable',
  'active',
  'ready',
  'healthy',
  'ok',
  'bound',
  'attached',
  'associated',
  'online',
  'enabled',
  'started',
  'provisioned',
  'deployed',
  'in-service',
]);

const STOPPED = new Set([
  'stopped',
  'stopping',
  'terminated',
  'terminating',
  'shutting-down',
  'deallocated',
  'deallocating',
  'suspended',
  'suspending',
  'paused',
  'disabled',
  'inactive',
  'deleted',
  'deleting',
  'detached',
  'offline',
  'archived',
]);

const ERROR = new Set([
  'error',
  'failed',
  'failure',
  'degraded',
  'unhealthy',
  'impaired',
  'unavailable',
  'canceled',
  'cancelled',
  'crashloopbackoff',
]);

/** `3/3 ready`: ready replicas of a Kubernetes workload over the desired ones. */
const REPLICAS = /^(\d+)\/(\d+)-ready$/;

/**
 * A provider's wording of a resource state as one of the four states the
 * topology colours: all replicas ready is running, none desired is stopped,
 * fewer ready than desired is an error.
 */
export function normalizeStatus(raw: string | undefined): TopologyStatus {
  const word = raw
    ?.trim()
    .toLocaleLowerCase('en-US')
    .replace(/[\s_]+/g, '-');
  if (!word) {
    return 'unknown';
  }
  const replicas = REPLICAS.exec(word);
  if (replicas) {
    const [ready, desired] = [Number(replicas[1]), Number(replicas[2])];
    if (desired === 0) {
      return 'stopped';
    }
    return ready >= desired ? 'running' : 'error';
  }
  if (RUNNING.has(word)) {
    return 'running';
  }
  if (STOPPED.has(word)) {
    return 'stopped';
  }
  return ERROR.has(word) ? 'error' : 'unknown';
}
