import { normalizeStatus } from './status';

describe('normalizeStatus', () => {
  it.each([
    ['running', 'running'],
    ['available', 'running'],
    ['in-use', 'running'],
    ['Succeeded', 'running'],
    ['RUNNABLE', 'running'],
    ['RUNNING', 'running'],
    ['Active', 'running'],
    ['READY', 'running'],
    ['3/3 ready', 'running'],
    ['stopped', 'stopped'],
    ['TERMINATED', 'stopped'],
    ['shutting-down', 'stopped'],
    ['Deallocated', 'stopped'],
    ['SUSPENDED', 'stopped'],
    ['Terminating', 'stopped'],
    ['0/0 ready', 'stopped'],
    ['2/3 ready', 'error'],
    ['0/1 ready', 'error'],
    ['Failed', 'error'],
    ['Canceled', 'error'],
    ['ERROR', 'error'],
    ['DEGRADED', 'error'],
    ['pending', 'unknown'],
    ['Creating', 'unknown'],
    ['PROVISIONING', 'unknown'],
    ['something else', 'unknown'],
    ['', 'unknown'],
    [undefined, 'unknown'],
  ])('%p is %p', (raw, expected) => {
    expect(normalizeStatus(raw)).toBe(expected);
  });
});
