/*
 * `yarn verify:install`: installs the plugins into a brand-new Backstage app
 * the way the root README says, and checks that the app works.
 *
 *   1. builds and packs every package of plugins/* (`yarn pack`, whose
 *      `prepack` builds the package) and checks each tarball;
 *   2. creates an app with @backstage/create-app, adds the environment
 *      workarounds this machine's package mirror needs, and installs it;
 *   3. runs the install steps of README.md's "Add to an existing Backstage
 *      app", read from its code blocks (see readme.ts for the convention);
 *   4. builds the app, starts its backend (which serves the app) and checks
 *      readiness, GET /api/multicloud/health, the demo inventory in the
 *      catalog and a Component's Cost tab in Chromium;
 *   5. prints each step's time and outcome, stops what it started and
 *      removes the temp folder (kept with --keep). Exits 1 on a failure.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs \
 *     scripts/verify-install/index.ts [--keep] [--port=N]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyFileStep, describe, readSteps } from './readme';
import { Runner, StepError, run, stopAll } from './runner';
import {
  checkCostTab,
  startBackend,
  waitForHealth,
  waitForInventory,
} from './portal';

const ROOT = path.resolve(__dirname, '../..');
const CREATE_APP = '@backstage/create-app@0.9.2';
const APP_NAME = 'multicloud-verify-app';

const USAGE = `yarn verify:install [--keep] [--port=N]
  --keep    keep the temp folder (tarballs, app, logs, screenshot)
  --port=N  port of the new app's backend (default: a free one)`;

type Options = { keep: boolean; port?: number };

function parseOptions(argv: string[]): Options {
  const options: Options = { keep: false };
  for (const arg of argv) {
    if (arg === '--keep') {
      options.keep = true;
    } else if (/^--port=\d+$/.test(arg)) {
      options.port = Number(arg.slice('--port='.length));
    } else {
      console.error(
        arg === '--help' ? USAGE : `Unknown argument ${arg}\n${USAGE}`,
      );
      process.exit(arg === '--help' ? 0 : 2);
    }
  }
  return options;
}

/**
 * The environment for commands in the new app: this run's, without what
 * `yarn run` adds about this repository (its package, its project folder),
 * and with the Node headers for native builds when Node is the one
 * scripts/lib.sh installs (better-sqlite3 is built from source here).
 */
function appEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (
      /^npm_(package_|lifecycle_|execpath|node_execpath|config_user_agent)/.test(
        key,
      ) ||
      key === 'PROJECT_CWD' ||
      key === 'INIT_CWD'
    ) {
      continue;
    }
    env[key] = value;
  }
  const nodeHome = path.resolve(path.dirname(process.execPath), '..');
  if (
    !env.npm_config_nodedir &&
    fs.existsSync(path.join(nodeHome, 'include/node'))
  ) {
    env.npm_config_nodedir = nodeHome;
  }
  // Not CI=true: yarn would then refuse to write the new app's lockfile.
  delete env.CI;
  return env;
}

type Pack = { name: string; dir: string; tarball: string };

function publishablePackages(): { name: string; dir: string }[] {
  return fs
    .readdirSync(path.join(ROOT, 'plugins'))
    .map(folder => path.join(ROOT, 'plugins', folder))
    .filter(dir => fs.existsSync(path.join(dir, 'package.json')))
    .map(dir => ({
      dir,
      json: JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')),
    }))
    .filter(({ json }) => !json.private)
    .map(({ dir, json }) => ({ name: json.name as string, dir }));
}

/**
 * What a tarball must hold: dist/, and every file its package.json points
 * at (main, module, types, exports, typesVersions). Returns the entry
 * points, for the output.
 */
function checkTarball(tarball: string): string {
  const files = new Set(
    execFileSync('tar', ['tzf', tarball], { encoding: 'utf8' })
      .split('\n')
      .filter(Boolean)
      .map(f => f.replace(/^package\//, '')),
  );
  const json = JSON.parse(
    execFileSync('tar', ['xzf', tarball, '-O', 'package/package.json'], {
      encoding: 'utf8',
    }),
  );
  const problems: string[] = [];
  if (![...files].some(f => f.startsWith('dist/'))) {
    problems.push('no dist/');
  }
  const pointers: [string, string][] = [];
  for (const key of ['main', 'module', 'types']) {
    if (json[key]) pointers.push([key, json[key]]);
  }
  // Every string in exports and typesVersions is a file, except the
  // `backstage` condition, which names the package's kind of export.
  const walk = (where: string, value: unknown) => {
    if (typeof value === 'string') {
      if (!where.endsWith('.backstage')) pointers.push([where, value]);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(`${where}.${k}`, v);
    }
  };
  walk('exports', json.exports);
  walk('typesVersions', json.typesVersions);
  if (!json.main) {
    problems.push('no main');
  }
  for (const [key, file] of pointers) {
    if (!files.has(path.posix.normalize(file))) {
      problems.push(`${key} -> ${file}, which is not in the tarball`);
    }
  }
  if (
    !String(json.main).startsWith('dist/') &&
    !String(json.main).startsWith('./dist/')
  ) {
    problems.push(`main is ${json.main}, not a file in dist/`);
  }
  for (const [dep, range] of Object.entries<string>(json.dependencies ?? {})) {
    if (/^(workspace|link|file|portal):/.test(range)) {
      problems.push(
        `dependency ${dep}@${range} cannot be installed from a registry`,
      );
    }
  }
  if (problems.length) {
    throw new StepError(`${path.basename(tarball)}: ${problems.join('; ')}`);
  }
  return `${files.size} files, main ${json.main}`;
}

/** The mirror-gap pins of this repository's own root package.json. */
function mirrorWorkarounds(): Record<string, string> {
  const rootJson = JSON.parse(
    fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'),
  );
  return Object.fromEntries(
    Object.entries<string>(rootJson.resolutions ?? {}).filter(([name]) =>
      /^(@swc\/core|unrs-resolver|@yarnpkg\/core|@rollup\/rollup-.*)$/.test(
        name,
      ),
    ),
  );
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const runner = new Runner();
  const tmp = fs.mkdtempSync(
    path.join(os.tmpdir(), 'multicloud-verify-install-'),
  );
  const packsDir = path.join(tmp, 'packs');
  const appDir = path.join(tmp, 'app');
  const logs = path.join(tmp, 'logs');
  fs.mkdirSync(packsDir);
  fs.mkdirSync(logs);
  const env = appEnv();
  let closeBrowser: (() => Promise<void>) | undefined;

  let cleaning: Promise<void> | undefined;
  const cleanUp = () =>
    (cleaning ??= (async () => {
      await closeBrowser?.().catch(() => undefined);
      await stopAll();
      if (options.keep) {
        console.log(`Kept ${tmp} (app in app/, logs in logs/)`);
      } else {
        fs.rmSync(tmp, { recursive: true, force: true });
      }
    })());
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, async () => {
      console.error(`\n${signal}: stopping what this run started`);
      await cleanUp();
      process.exit(130);
    });
  }

  if (Number(process.versions.node.split('.')[0]) < 22) {
    console.error(
      `Node ${process.versions.node}: create-app 0.9 needs Node 22 or 24 (source scripts/lib.sh)`,
    );
    process.exit(1);
  }
  runner.log(`temp folder ${tmp}`);

  try {
    // 1. Build and pack every package.
    await runner.step("yarn tsc (declarations for the packages' builds)", () =>
      run('yarn', ['tsc'], {
        cwd: ROOT,
        env: process.env,
        log: path.join(logs, 'tsc.log'),
      }),
    );
    const packs: Pack[] = [];
    for (const pkg of publishablePackages()) {
      await runner.step(
        `pack ${pkg.name}`,
        async () => {
          const log = path.join(logs, `pack-${path.basename(pkg.dir)}.log`);
          await run(
            'yarn',
            ['workspace', pkg.name, 'pack', '--out', `${packsDir}/%s-%v.tgz`],
            {
              cwd: ROOT,
              env: process.env,
              log,
            },
          );
          const version = JSON.parse(
            fs.readFileSync(path.join(pkg.dir, 'package.json'), 'utf8'),
          ).version;
          const tarball = path.join(
            packsDir,
            `${pkg.name.replace('/', '-')}-${version}.tgz`,
          );
          if (!fs.existsSync(tarball)) {
            throw new StepError(`no ${tarball}; see ${log}`);
          }
          packs.push({ ...pkg, tarball });
          return checkTarball(tarball);
        },
        detail => detail,
      );
    }

    // 2. A new app, plus what this machine's package mirror needs.
    await runner.step(`create an app with ${CREATE_APP}`, () =>
      run('npx', ['-y', CREATE_APP, '--path', appDir, '--skip-install'], {
        cwd: tmp,
        env: { ...env, BACKSTAGE_APP_NAME: APP_NAME },
        log: path.join(logs, 'create-app.log'),
      }),
    );
    await runner.step(
      'environment workarounds (not README steps): mirror-gap resolutions',
      async () => {
        // The package mirror of this machine lacks the newest builds of a few
        // platform packages; pin them as this repository does. Nothing here
        // is something a user of the plugins has to do.
        const file = path.join(appDir, 'package.json');
        const json = JSON.parse(fs.readFileSync(file, 'utf8'));
        const pins = mirrorWorkarounds();
        json.resolutions = { ...json.resolutions, ...pins };
        fs.writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
        return Object.keys(pins).length;
      },
      count => `${count} pins`,
    );
    await runner.step('yarn install (the new app as created)', () =>
      run('yarn', ['install'], {
        cwd: appDir,
        env,
        log: path.join(logs, 'install.log'),
      }),
    );

    // 3. The README's steps, as written.
    await runner.step(
      'tarballs into the app\'s multicloud-packs/ (README: "Get the packages")',
      async () => {
        // The README packs straight into <app>/multicloud-packs; step 1
        // packed into the temp folder, so copy them there.
        fs.mkdirSync(path.join(appDir, 'multicloud-packs'));
        for (const pack of packs) {
          fs.copyFileSync(
            pack.tarball,
            path.join(appDir, 'multicloud-packs', path.basename(pack.tarball)),
          );
        }
        return packs.length;
      },
      count => `${count} tarballs`,
    );
    const steps =
      (await runner.step(
        'read the install steps of README.md',
        async () => {
          const found = readSteps(path.join(ROOT, 'README.md'));
          if (found.length === 0) {
            throw new StepError(
              'README.md has no <!-- verify-install: ... --> steps',
            );
          }
          return found;
        },
        found => `${found.length} steps`,
      )) ?? [];
    let runIndex = 0;
    for (const step of steps) {
      await runner.step(`README ${describe(step)}`, async () => {
        if (step.action !== 'run') {
          applyFileStep(appDir, step);
          return;
        }
        runIndex++;
        const log = path.join(logs, `readme-run-${runIndex}.log`);
        await run('bash', ['-euo', 'pipefail', '-c', step.code], {
          cwd: appDir,
          env: { ...env, MULTICLOUD_REPO: ROOT },
          log,
        });
      });
    }

    // 4. Start it and look.
    await runner.step('build the app bundle (yarn workspace app build)', () =>
      run('yarn', ['workspace', 'app', 'build'], {
        cwd: appDir,
        env,
        log: path.join(logs, 'app-build.log'),
      }),
    );
    const backend = await runner.step(
      'start the backend; GET /.backstage/health/v1/readiness is 200',
      () =>
        startBackend({
          appDir,
          env,
          port: options.port,
          log: path.join(logs, 'backend.log'),
        }),
      b => b.baseUrl,
    );
    await runner.step(
      'demo inventory in the catalog (Resources with multicloud.io/provider)',
      () => waitForInventory(backend!),
      count => `${count} resources`,
    );
    await runner.step(
      'GET /api/multicloud/health says ready',
      () => waitForHealth(backend!),
      health => health,
    );
    await runner.step(
      'Cost tab of component checkout-api in Chromium',
      () =>
        checkCostTab(backend!, path.join(tmp, 'cost-tab.png'), close => {
          closeBrowser = close;
        }),
      figure => figure,
    );
  } finally {
    await cleanUp();
  }
  runner.summary();
  process.exit(runner.ok ? 0 : 1);
}

main().catch(async error => {
  console.error(error);
  await stopAll();
  process.exit(1);
});
