#!/usr/bin/env node
/*
 * A stand-in for the helm binary, for tests and demos where Helm and a
 * cluster are not available. Point multicloud.iac.helm.binary at it.
 *
 * It answers `helm version --short`, and `helm upgrade --install ... -o json`
 * with the release object Helm prints (name, info, chart, config, manifest,
 * version, namespace), `helm status <release> -o json` and
 * `helm uninstall <release>` as Helm does, including their `Error: ...` lines
 * on stderr. Releases are kept in the directory $FAKE_HELM_STATE_DIR, else
 * in .fake-helm/ under the working directory.
 *
 * Release labels (Helm 3.13+): `upgrade --labels k=v,...` merges them into
 * the release's labels ("null" removes one), kept next to the release as
 * Helm keeps them on its storage Secret, and never part of the release JSON
 * (Helm's Release.Labels is `json:"-"`). `helm list --namespace ns [--all]
 * [--filter regexp] [--selector k=v|k==v|k!=v,...] -o json` prints the
 * latest revision of each matching release as Helm's list JSON: an array of
 * { name, namespace, revision (a string), updated, status, chart
 * (name-version), app_version }, `[]` when none match. Without --all only
 * deployed and failed releases are listed; `k!=v` also matches a release
 * without the label, as a Kubernetes label selector does. See
 * https://helm.sh/docs/helm/helm_upgrade/ (--labels),
 * https://helm.sh/docs/helm/helm_list/ (--all, --filter, --selector, -o)
 * and cmd/helm/list.go (releaseElement) in helm/helm.
 *
 * Values under `fakeHelm` change its behaviour:
 *   fakeHelm: { fail: "message", sleepSeconds: 30, ignoreSignals: ["SIGINT"] }
 * Every call is recorded in calls.jsonl of the state directory.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const VERSION = 'v3.16.2+g13654a5';
const args = process.argv.slice(2);
const stateDir =
  process.env.FAKE_HELM_STATE_DIR || path.join(process.cwd(), '.fake-helm');

function flag(name) {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function positional() {
  const withValue = new Set([
    '--namespace',
    '-n',
    '--values',
    '-f',
    '--timeout',
    '--output',
    '-o',
    '--version',
    '--repo',
    '--labels',
    '--filter',
    '--selector',
    '-l',
  ]);
  const result = [];
  for (let i = 0; i < args.length; i += 1) {
    if (withValue.has(args[i])) {
      i += 1;
    } else if (!args[i].startsWith('-')) {
      result.push(args[i]);
    }
  }
  return result;
}

function fail(message) {
  process.stderr.write(`Error: ${message}\n`);
  process.exit(1);
}

function readJson(file, fallback) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function releaseFile(namespace, name) {
  return path.join(stateDir, `${namespace}.${name}.json`);
}

function labelsFile(namespace, name) {
  return path.join(stateDir, `${namespace}.${name}.labels.json`);
}

// A StringToString flag: k=v pairs separated by commas.
function parseLabels(text) {
  const labels = {};
  for (const pair of (text || '').split(',').filter(Boolean)) {
    const i = pair.indexOf('=');
    if (i <= 0) {
      fail(`"${pair}" must be formatted as key=value`);
    }
    labels[pair.slice(0, i)] = pair.slice(i + 1);
  }
  return labels;
}

const SYSTEM_LABELS = [
  'name',
  'owner',
  'status',
  'version',
  'createdAt',
  'modifiedAt',
];

function record() {
  if (args[0] === 'version') {
    return;
  }
  fs.mkdirSync(stateDir, { recursive: true });
  const valuesFile = flag('--values');
  let valuesMode;
  try {
    valuesMode = valuesFile
      ? (fs.statSync(valuesFile).mode & 0o777).toString(8)
      : undefined;
  } catch {
    valuesMode = undefined;
  }
  fs.appendFileSync(
    path.join(stateDir, 'calls.jsonl'),
    `${JSON.stringify({
      args,
      envNames: Object.keys(process.env).sort(),
      valuesMode,
    })}\n`,
  );
}

function chartMetadata(chartArg) {
  const chartYaml = path.join(chartArg, 'Chart.yaml');
  if (fs.existsSync(chartYaml)) {
    const text = fs.readFileSync(chartYaml, 'utf8');
    const field = name =>
      (text.match(new RegExp(`^${name}:\\s*["']?([^"'\\n]+)["']?\\s*$`, 'm')) ||
        [])[1];
    return {
      name: field('name') || path.basename(chartArg),
      version: field('version') || '0.1.0',
      appVersion: field('appVersion'),
      apiVersion: 'v2',
      type: 'application',
    };
  }
  if (chartArg.startsWith('/')) {
    fail(`path "${chartArg}" not found`);
  }
  return {
    name: chartArg.split('/').pop(),
    version: (flag('--version') || '1.0.0').replace(/^v/, ''),
    appVersion: '1.0.0',
    apiVersion: 'v2',
    type: 'application',
  };
}

async function upgrade() {
  const [, name, chartArg] = positional();
  const namespace = flag('--namespace') || 'default';
  const values = readJson(flag('--values'), {});
  const behaviour = values.fakeHelm || {};
  const dryRun = args.includes('--dry-run');
  const ignored = behaviour.ignoreSignals || [];
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      if (!ignored.includes(sig)) {
        fail(`release ${name} failed: context canceled`);
      }
    });
  }
  if (behaviour.sleepSeconds) {
    await sleep(behaviour.sleepSeconds * 1000);
  }
  const metadata = chartMetadata(chartArg);
  const previous = readJson(releaseFile(namespace, name), null);
  if (behaviour.fail) {
    if (args.includes('--atomic')) {
      fail(
        `release ${name} failed, and has been uninstalled due to atomic being set: ${behaviour.fail}`,
      );
    }
    fail(`UPGRADE FAILED: ${behaviour.fail}`);
  }
  const now = new Date().toISOString();
  const revision = previous ? previous.version + 1 : 1;
  let releaseStatus = 'deployed';
  let description = previous ? 'Upgrade complete' : 'Install complete';
  if (dryRun) {
    releaseStatus = previous ? 'pending-upgrade' : 'pending-install';
    description = 'Dry run complete';
  }
  const release = {
    name,
    info: {
      first_deployed: previous ? previous.info.first_deployed : now,
      last_deployed: now,
      deleted: '',
      description,
      status: releaseStatus,
      notes: `Release ${name} is ${releaseStatus}. Values: ${JSON.stringify(
        values,
      )}`,
    },
    chart: {
      metadata,
      lock: null,
      templates: [],
      values: {},
      schema: null,
      files: [],
    },
    config: values,
    manifest: `---\n# Source: ${
      metadata.name
    }/templates/secret.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: ${name}\ndata:\n  values: ${Buffer.from(
      JSON.stringify(values),
    ).toString('base64')}\n`,
    hooks: [],
    version: revision,
    namespace,
  };
  const given = parseLabels(flag('--labels'));
  if (Object.keys(given).some(key => SYSTEM_LABELS.includes(key))) {
    fail(
      `user supplied labels contains system reserved label name. System labels: [${SYSTEM_LABELS.join(
        ' ',
      )}]`,
    );
  }
  const labels = { ...readJson(labelsFile(namespace, name), {}) };
  for (const [key, value] of Object.entries(given)) {
    if (value === 'null') {
      delete labels[key];
    } else {
      labels[key] = value;
    }
  }
  if (!dryRun) {
    fs.mkdirSync(stateDir, { recursive: true });
    fs.writeFileSync(releaseFile(namespace, name), JSON.stringify(release));
    fs.writeFileSync(labelsFile(namespace, name), JSON.stringify(labels));
  }
  process.stdout.write(`${JSON.stringify(release)}\n`);
}

function status() {
  const [, name] = positional();
  const namespace = flag('--namespace') || 'default';
  const release = readJson(releaseFile(namespace, name), null);
  if (!release) {
    fail('release: not found');
  }
  process.stdout.write(`${JSON.stringify(release)}\n`);
}

function uninstall() {
  const [, name] = positional();
  const namespace = flag('--namespace') || 'default';
  const file = releaseFile(namespace, name);
  if (!fs.existsSync(file)) {
    fail(`uninstall: Release not loaded: ${name}: release: not found`);
  }
  if (!args.includes('--dry-run')) {
    fs.rmSync(file);
    fs.rmSync(labelsFile(namespace, name), { force: true });
  }
  process.stdout.write(`release "${name}" uninstalled\n`);
}

function selectorMatches(selector, labels) {
  return (selector || '')
    .split(',')
    .filter(Boolean)
    .every(term => {
      const m = /^([^!=]+)(!=|==|=)(.*)$/.exec(term);
      if (!m) {
        fail(`unable to parse requirement: ${term}`);
      }
      const [, key, op, value] = m;
      return op === '!=' ? labels[key] !== value : labels[key] === value;
    });
}

function list() {
  const namespace = flag('--namespace') || 'default';
  const filter = flag('--filter') ? new RegExp(flag('--filter')) : undefined;
  const all = args.includes('--all') || args.includes('-a');
  const prefix = `${namespace}.`;
  const names = fs.existsSync(stateDir)
    ? fs
        .readdirSync(stateDir)
        .filter(f => f.startsWith(prefix) && /^[^.]+\.[^.]+\.json$/.test(f))
        .map(f => f.slice(prefix.length, -'.json'.length))
    : [];
  const releases = names
    .map(name => ({
      release: readJson(releaseFile(namespace, name), null),
      labels: readJson(labelsFile(namespace, name), {}),
    }))
    .filter(
      ({ release, labels }) =>
        release &&
        (!filter || filter.test(release.name)) &&
        (all || ['deployed', 'failed'].includes(release.info.status)) &&
        selectorMatches(flag('--selector'), labels),
    )
    .map(({ release }) => ({
      name: release.name,
      namespace: release.namespace,
      revision: String(release.version),
      // Go's time.Time.String(), as `helm list` prints it.
      updated: release.info.last_deployed
        .replace('T', ' ')
        .replace('Z', '000000 +0000 UTC'),
      status: release.info.status,
      chart: `${release.chart.metadata.name}-${release.chart.metadata.version}`,
      app_version: release.chart.metadata.appVersion || '',
    }));
  process.stdout.write(`${JSON.stringify(releases)}\n`);
}

async function main() {
  record();
  switch (args[0]) {
    case 'version':
      process.stdout.write(`${VERSION}\n`);
      return;
    case 'upgrade':
      await upgrade();
      return;
    case 'status':
      status();
      return;
    case 'list':
      list();
      return;
    case 'uninstall':
      uninstall();
      return;
    default:
      fail(`unknown command "${args[0]}" for "helm"`);
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
