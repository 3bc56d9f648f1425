/* Where a piece of work spends its CPU: V8's sampling profiler, summarized (bench:alerts --profile). */
import { Session } from 'node:inspector/promises';
import fs from 'node:fs';

type ProfileNode = {
  id: number;
  callFrame: {
    functionName: string;
    url: string;
    lineNumber: number;
  };
  hitCount?: number;
};

type Profile = {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples?: number[];
};

export type ProfileLine = { what: string; ms: number; share: number };

export type ProfileSummary = {
  file: string;
  totalMs: number;
  /** Self time by function, largest first. */
  functions: ProfileLine[];
  /** Self time by package (node_modules) or source file of this repository. */
  areas: ProfileLine[];
};

/** `knex`, `@backstage/catalog-client`, `multicloud-backend/src/...`, `bench/src/...`, `node:internal`. */
function areaOf(frame: ProfileNode['callFrame']): string {
  const { url, functionName } = frame;
  if (!url) {
    // V8's own entries, e.g. `(garbage collector)`, `(idle)`; else native
    // code, e.g. better-sqlite3's `all` (SQLite running a statement).
    return functionName.startsWith('(')
      ? functionName
      : `native ${functionName || '(anonymous)'}`;
  }
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const parts = url.slice(modules + 'node_modules/'.length).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  return url.startsWith('node:') ? 'node:internal' : repositoryPath(url);
}

/** A file of this repository from its workspace folder (`multicloud-backend/src/...`). */
function repositoryPath(url: string): string {
  for (const folder of ['/plugins/', '/packages/']) {
    const at = url.indexOf(folder);
    if (at >= 0) {
      return url.slice(at + folder.length);
    }
  }
  return url;
}

function shortUrl(url: string): string {
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    return url.slice(modules + 'node_modules/'.length);
  }
  return repositoryPath(url);
}

function top(
  totals: Map<string, number>,
  totalMs: number,
  count: number,
): ProfileLine[] {
  return [...totals]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([what, ms]) => ({ what, ms, share: totalMs ? ms / totalMs : 0 }));
}

/** Summarizes a V8 CPU profile by self time. */
export function summarizeProfile(
  profile: Profile,
  file: string,
  count = 15,
): ProfileSummary {
  const samples = profile.samples?.length ?? 0;
  const totalMs = (profile.endTime - profile.startTime) / 1000;
  const msPerHit = samples ? totalMs / samples : 0;
  const functions = new Map<string, number>();
  const areas = new Map<string, number>();
  for (const node of profile.nodes) {
    const ms = (node.hitCount ?? 0) * msPerHit;
    if (ms === 0) {
      continue;
    }
    const { functionName, url, lineNumber } = node.callFrame;
    const fn = `${functionName || '(anonymous)'}${
      url ? ` ${shortUrl(url)}:${lineNumber + 1}` : ''
    }`;
    functions.set(fn, (functions.get(fn) ?? 0) + ms);
    const area = areaOf(node.callFrame);
    areas.set(area, (areas.get(area) ?? 0) + ms);
  }
  return {
    file,
    totalMs,
    functions: top(functions, totalMs, count),
    areas: top(areas, totalMs, count),
  };
}

/**
 * Runs `work` under V8's CPU profiler (sampling every `intervalUs`), writes
 * the profile to `file` (open it in Chrome DevTools) and returns the work's
 * result with a summary.
 */
export async function profiled<T>(
  file: string,
  work: () => Promise<T>,
  intervalUs = 500,
): Promise<{ result: T; summary: ProfileSummary }> {
  const session = new Session();
  session.connect();
  try {
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', {
      interval: intervalUs,
    });
    await session.post('Profiler.start');
    const result = await work();
    const { profile } = (await session.post('Profiler.stop')) as {
      profile: Profile;
    };
    fs.writeFileSync(file, JSON.stringify(profile));
    return { result, summary: summarizeProfile(profile, file) };
  } finally {
    session.disconnect();
  }
}
