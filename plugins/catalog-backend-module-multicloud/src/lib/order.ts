import { CloudResource } from '@multicloud/plugin-multicloud-common';

/**
 * Orders resources by native id in code-unit order (independent of the
 * locale), so every run of a source yields the same sequence.
 */
export function compareByNativeId(a: CloudResource, b: CloudResource): number {
  if (a.nativeId === b.nativeId) {
    return 0;
  }
  return a.nativeId < b.nativeId ? -1 : 1;
}
