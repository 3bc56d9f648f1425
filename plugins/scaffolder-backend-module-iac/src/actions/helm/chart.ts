import { isChildPath } from '@backstage/backend-plugin-api';
import { InputError } from '@backstage/errors';
import { JsonObject } from '@backstage/types';
import fs from 'node:fs';
import path from 'node:path';
import yaml from 'yaml';
import { normalizeRepositoryUrl } from '../../lib/config';
import { ChartMetadata } from './release';

/** Deep merge for values: objects merge, anything else is replaced. */
export function mergeValues(
  base: JsonObject,
  override: JsonObject,
): JsonObject {
  const result: JsonObject = { ...base };
  for (const [key, value] of Object.entries(override)) {
    const current = result[key];
    result[key] =
      value &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      current &&
      typeof current === 'object' &&
      !Array.isArray(current)
        ? mergeValues(current as JsonObject, value as JsonObject)
        : value;
  }
  return result;
}

/**
 * Checks a chart of the task workspace as a chart from a repository is
 * checked, and reads its name and versions. Every dependency in Chart.yaml
 * (or requirements.yaml), of the chart and of each chart in its charts/
 * folder, must come from an allowed repository or, with `file://`, from
 * inside the chart's folder. A packaged chart (.tgz) cannot be checked
 * without unpacking it, so it is refused, as the chart or in charts/.
 */
export async function inspectWorkspaceChart(
  chartPath: string,
  chartInput: string,
  allowedRepositories: string[],
): Promise<ChartMetadata> {
  if (!(await fs.promises.stat(chartPath)).isDirectory()) {
    throw new InputError(
      `chart ${chartInput} is a packaged chart, whose dependencies cannot be checked; put the unpacked chart folder in the workspace instead`,
    );
  }
  const metadata = await readChartMetadata(chartPath, chartInput);
  const checked = new Set<string>();
  const check = async (dir: string, meta: Record<string, unknown>) => {
    checked.add(dir);
    const shown = path.join(chartInput, path.relative(chartPath, dir));
    const dependencies = [
      ...asArray(meta.dependencies),
      ...asArray(await readRequirements(dir, shown)),
    ];
    for (const dependency of dependencies) {
      const name = String(dependency?.name ?? '?');
      const repository = String(dependency?.repository ?? '').trim();
      if (!repository) {
        continue;
      }
      if (repository.startsWith('file://')) {
        const target = path.resolve(dir, repository.slice('file://'.length));
        if (target !== chartPath && !isChildPath(chartPath, target)) {
          throw new InputError(
            `chart ${shown}: dependency ${name} (${repository}) lies outside the chart folder ${chartInput}; file:// dependencies must stay inside it`,
          );
        }
        if (!checked.has(target) && (await isDirectory(target))) {
          await check(target, await readChartMetadata(target, shown));
        }
        continue;
      }
      if (!allowedRepositories.includes(normalizeRepositoryUrl(repository))) {
        throw new InputError(
          `chart ${shown}: dependency ${name} comes from ${repository}, which is not allowed; platform engineers list allowed repositories (as URLs) in multicloud.iac.helm.allowedRepositories`,
        );
      }
    }
    const charts = path.join(dir, 'charts');
    if (!(await isDirectory(charts))) {
      return;
    }
    for (const entry of await fs.promises.readdir(charts, {
      withFileTypes: true,
    })) {
      const sub = path.join(charts, entry.name);
      if (entry.isFile() && /\.tgz$/.test(entry.name)) {
        throw new InputError(
          `chart ${shown}: the packaged subchart charts/${entry.name} cannot be checked; unpack it into charts/ instead`,
        );
      }
      if (
        entry.isDirectory() &&
        !checked.has(sub) &&
        fs.existsSync(path.join(sub, 'Chart.yaml'))
      ) {
        await check(
          sub,
          await readChartMetadata(sub, path.join(shown, 'charts', entry.name)),
        );
      }
    }
  };
  await check(chartPath, metadata);

  const field = (key: string) => {
    const value = metadata[key];
    return typeof value === 'string' && value ? value : undefined;
  };
  return {
    chart: field('name'),
    chartVersion: field('version'),
    appVersion: field('appVersion'),
  };
}

async function readChartMetadata(
  dir: string,
  shown: string,
): Promise<Record<string, any>> {
  let metadata: unknown;
  try {
    metadata = yaml.parse(
      await fs.promises.readFile(path.join(dir, 'Chart.yaml'), 'utf8'),
    );
  } catch (error) {
    throw new InputError(
      `chart ${shown} needs a readable Chart.yaml: ${(error as Error).message}`,
    );
  }
  return metadata && typeof metadata === 'object'
    ? (metadata as Record<string, any>)
    : {};
}

/** Dependencies of an apiVersion v1 chart, in requirements.yaml. */
async function readRequirements(dir: string, shown: string) {
  const file = path.join(dir, 'requirements.yaml');
  if (!fs.existsSync(file)) {
    return [];
  }
  try {
    return (yaml.parse(await fs.promises.readFile(file, 'utf8')) ?? {})
      .dependencies;
  } catch (error) {
    throw new InputError(
      `chart ${shown}: requirements.yaml is not readable YAML: ${
        (error as Error).message
      }`,
    );
  }
}

function asArray(value: unknown): Array<Record<string, unknown> | undefined> {
  return Array.isArray(value) ? value : [];
}

async function isDirectory(file: string): Promise<boolean> {
  return fs.promises.stat(file).then(
    s => s.isDirectory(),
    () => false,
  );
}
