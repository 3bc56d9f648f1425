import { durationToMilliseconds } from '@backstage/types';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import semver from 'semver';
import { ToolSettings } from './config';

/**
 * A tool binary that was found and whose version is allowed.
 *
 * @public
 */
export interface ResolvedTool {
  /** Absolute path of the binary. */
  path: string;
  /** The version the binary reported, for example `1.9.8`. */
  version: string;
}

/**
 * Finds tool binaries and checks their version once per binary path.
 *
 * @public
 */
export interface ToolBinaryResolver {
  /** Finds the binary and checks its version (runs its version command once). */
  resolve(settings: ToolSettings): Promise<ResolvedTool>;
  /**
   * Finds the binary without starting anything, for dry runs: its version is
   * not checked.
   */
  locate(settings: ToolSettings): Promise<string>;
}

const VERSION_TIMEOUT_MS = durationToMilliseconds({ seconds: 30 });

const VERSION_COMMANDS: Record<ToolSettings['tool'], string[]> = {
  terraform: ['version', '-json'],
  ansible: ['--version'],
  helm: ['version', '--short'],
};

async function isExecutableFile(file: string): Promise<boolean> {
  try {
    await fs.promises.access(file, fs.constants.X_OK);
    return (await fs.promises.stat(file)).isFile();
  } catch {
    return false;
  }
}

async function findBinary(settings: ToolSettings): Promise<string> {
  const { binary, binaryConfigKey, tool } = settings;
  if (binary.includes('/')) {
    const candidate = path.resolve(binary);
    if (await isExecutableFile(candidate)) {
      return candidate;
    }
    throw new Error(
      `Cannot run ${tool}: ${candidate} is not an executable file. Set ${binaryConfigKey} to the path of the ${tool} binary.`,
    );
  }
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && (await isExecutableFile(path.join(dir, binary)))) {
      return path.join(dir, binary);
    }
  }
  throw new Error(
    `Cannot run ${tool}: '${binary}' was not found on PATH. Install it or set ${binaryConfigKey} to the path of the binary.`,
  );
}

/** Reads the version a tool prints for its version command. */
export function parseToolVersion(
  tool: ToolSettings['tool'],
  stdout: string,
): string | undefined {
  if (tool === 'terraform') {
    try {
      const parsed = JSON.parse(stdout);
      if (typeof parsed?.terraform_version === 'string') {
        return parsed.terraform_version;
      }
    } catch {
      // not JSON: fall through to the text forms below
    }
  }
  if (tool === 'ansible') {
    const core = stdout.match(/\[core ([0-9][^\]\s]*)\]/);
    if (core) {
      return core[1];
    }
  }
  return stdout.match(
    /v?([0-9]+\.[0-9]+(?:\.[0-9]+)?(?:-[0-9A-Za-z.-]+)?)/,
  )?.[1];
}

/**
 * Whether a version satisfies one of the patterns, read as semver ranges:
 * `1.9.8` exactly, `1.9.x` or `1.9.*` for any patch release, `1.9` for any
 * `1.9.` version, `*` for any version, and any other range such as
 * `>=1.8 <1.10`. Pre-releases and builds of an allowed version are allowed
 * too (`1.9.x` allows `1.9.0-rc1`).
 */
export function isVersionAllowed(version: string, patterns: string[]) {
  if (patterns.length === 0) {
    return true;
  }
  // A tool may print two parts only (`2.14`): read it as `2.14.0`.
  const parsed =
    semver.parse(version, { loose: true }) ?? semver.coerce(version);
  return (
    parsed !== null &&
    patterns.some(pattern =>
      semver.satisfies(parsed, pattern.trim(), {
        loose: true,
        includePrerelease: true,
      }),
    )
  );
}

function runVersionCommand(
  binaryPath: string,
  args: string[],
  env: Record<string, string>,
) {
  return new Promise<string>((resolve, reject) => {
    execFile(
      binaryPath,
      args,
      { shell: false, timeout: VERSION_TIMEOUT_MS, env },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `${path.basename(binaryPath)} ${args.join(' ')} failed: ${
                stderr.trim() || error.message
              }`,
            ),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

/**
 * Creates a resolver that caches each successful check, so the version command
 * runs once per binary; failures are not cached, so installing the tool fixes
 * the next run.
 *
 * @public
 */
export function createToolBinaryResolver(): ToolBinaryResolver {
  const cache = new Map<string, Promise<ResolvedTool>>();
  return {
    locate: findBinary,
    async resolve(settings) {
      const binaryPath = await findBinary(settings);
      const key = `${
        settings.tool
      }\0${binaryPath}\0${settings.allowedVersions.join(',')}`;
      let pending = cache.get(key);
      if (!pending) {
        pending = (async () => {
          const stdout = await runVersionCommand(
            binaryPath,
            VERSION_COMMANDS[settings.tool],
            buildToolEnvironment(settings),
          );
          const version = parseToolVersion(settings.tool, stdout);
          if (!version) {
            throw new Error(
              `Cannot read the version of ${binaryPath} (${settings.tool}); set ${settings.binaryConfigKey} to a ${settings.tool} binary.`,
            );
          }
          if (!isVersionAllowed(version, settings.allowedVersions)) {
            throw new Error(
              `${
                settings.tool
              } ${version} at ${binaryPath} is not allowed by multicloud.iac.${
                settings.tool
              }.allowedVersions (${settings.allowedVersions.join(', ')}).`,
            );
          }
          return { path: binaryPath, version };
        })();
        cache.set(key, pending);
        pending.catch(() => cache.delete(key));
      }
      return pending;
    },
  };
}

/**
 * The environment of a tool: allowlisted variables of the backend (exact names
 * or `PREFIX_*`), then the configured ones, then those the action sets.
 * Nothing else of the backend's environment reaches the tool.
 */
export function buildToolEnvironment(
  settings: ToolSettings,
  fixed: Record<string, string> = {},
  source: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const matches = (name: string) =>
    settings.envAllowlist.some(entry =>
      entry.endsWith('*')
        ? name.startsWith(entry.slice(0, -1))
        : name === entry,
    );
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(source)) {
    if (value !== undefined && matches(name)) {
      env[name] = value;
    }
  }
  return {
    ...env,
    ...settings.environment,
    ...settings.secretEnvironment,
    ...fixed,
  };
}
