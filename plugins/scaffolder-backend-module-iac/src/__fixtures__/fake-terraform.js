#!/usr/bin/env node
/*
 * A stand-in for the terraform binary, for tests and the end-to-end demo where
 * Terraform cannot be installed. Point multicloud.iac.terraform.binary at it.
 *
 * It speaks the documented machine-readable interfaces: `version -json`, the
 * `-json` UI stream of plan / apply / destroy (version, planned_change,
 * change_summary, apply_start / apply_progress / apply_complete, diagnostic,
 * outputs messages, one JSON object a line) and `output -json`. What it plans
 * comes from the `resource`, `variable` and `output` blocks of the *.tf files
 * in the working directory; it keeps its "state" in terraform.tfstate there.
 *
 * A `fake-terraform.json` file in the working directory changes its behaviour:
 *   { "fail": { "command": "plan", "summary": "...", "detail": "..." },
 *     "sleep": { "command": "apply", "seconds": 30 },
 *     "ignoreSignals": ["SIGINT", "SIGTERM"],
 *     "echoVariables": true,          // log every variable value (a leaky provider)
 *     "stderr": "text printed on stderr" }
 * Every call is recorded in .fake-terraform/calls.jsonl of the working directory.
 */
'use strict';

const fs = require('node:fs');
const path = require('node:path');

const VERSION = '1.9.8';
const cwd = process.cwd();
const args = process.argv.slice(2);
const command = args[0];

function readJson(file, fallback) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    return fallback;
  }
}

const behaviour = readJson(path.join(cwd, 'fake-terraform.json'), {});

function option(name) {
  const prefix = `-${name}=`;
  const found = args.filter(a => a.startsWith(prefix));
  return found.map(a => a.slice(prefix.length));
}

function fileMode(file) {
  try {
    return (fs.statSync(file).mode & 0o777).toString(8);
  } catch {
    return undefined;
  }
}

function record() {
  if (command === 'version') {
    return;
  }
  const dir = path.join(cwd, '.fake-terraform');
  fs.mkdirSync(dir, { recursive: true });
  const varFiles = option('var-file');
  const backendFiles = option('backend-config');
  fs.appendFileSync(
    path.join(dir, 'calls.jsonl'),
    `${JSON.stringify({
      args,
      envNames: Object.keys(process.env).sort(),
      env: {
        TF_IN_AUTOMATION: process.env.TF_IN_AUTOMATION,
        TF_INPUT: process.env.TF_INPUT,
        TF_DATA_DIR: process.env.TF_DATA_DIR,
      },
      varFiles: varFiles.map(f => ({
        path: f,
        mode: fileMode(f),
        content: readJson(f, null),
      })),
      backendFiles: backendFiles.map(f => ({
        path: f,
        mode: fileMode(f),
        content: fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : null,
      })),
    })}\n`,
  );
}

function emit(type, message, fields = {}, level = 'info') {
  process.stdout.write(
    `${JSON.stringify({
      '@level': level,
      '@message': message,
      '@module': 'terraform.ui',
      '@timestamp': new Date().toISOString(),
      ...fields,
      type,
    })}\n`,
  );
}

function resourceObject(addr) {
  const [type, name] = addr.split('.');
  return {
    addr,
    module: '',
    resource: addr,
    implied_provider: type.split('_')[0],
    resource_type: type,
    resource_name: name,
    resource_key: null,
  };
}

function diagnostic(summary, detail, severity = 'error') {
  emit(
    'diagnostic',
    `${severity === 'error' ? 'Error' : 'Warning'}: ${summary}`,
    {
      diagnostic: {
        severity,
        summary,
        detail: detail || '',
        range: {
          filename: 'main.tf',
          start: { line: 1, column: 1, byte: 0 },
          end: { line: 1, column: 2, byte: 1 },
        },
      },
    },
    severity === 'error' ? 'error' : 'warn',
  );
}

function readConfiguration() {
  const text = fs
    .readdirSync(cwd)
    .filter(f => f.endsWith('.tf'))
    .map(f => fs.readFileSync(path.join(cwd, f), 'utf8'))
    .join('\n');
  const resources = [
    ...text.matchAll(/^resource\s+"([^"]+)"\s+"([^"]+)"/gm),
  ].map(m => `${m[1]}.${m[2]}`);
  const variables = [
    ...text.matchAll(/^variable\s+"([^"]+)"\s*\{([\s\S]*?)^\}/gm),
  ].map(m => ({ name: m[1], required: !/^\s*default\s*=/m.test(m[2]) }));
  const outputs = [
    ...text.matchAll(/^output\s+"([^"]+)"\s*\{([\s\S]*?)^\}/gm),
  ].map(m => ({
    name: m[1],
    sensitive: /^\s*sensitive\s*=\s*true/m.test(m[2]),
    fromVariable: (m[2].match(/^\s*value\s*=\s*var\.([A-Za-z0-9_-]+)\s*$/m) ||
      [])[1],
  }));
  return { resources, variables, outputs };
}

function readVariables() {
  return option('var-file').reduce(
    (all, file) => ({ ...all, ...readJson(file, {}) }),
    {},
  );
}

function readState() {
  return readJson(path.join(cwd, 'terraform.tfstate'), null);
}

function sleep(ms) {
  return new Promise(resolve => setTimeout(resolve, ms));
}

function installSignalHandlers() {
  const ignored = behaviour.ignoreSignals || [];
  for (const sig of ['SIGINT', 'SIGTERM']) {
    process.on(sig, () => {
      if (ignored.includes(sig)) {
        emit('log', `${sig} received and ignored`);
        return;
      }
      emit(
        'log',
        sig === 'SIGINT'
          ? 'Interrupt received. Please wait for Terraform to exit or data loss may occur. Gracefully shutting down...'
          : `${sig} received, exiting`,
      );
      diagnostic('Operation cancelled', `Terraform stopped on ${sig}.`);
      process.exit(1);
    });
  }
}

async function maybeSleep(current, resource) {
  const s = behaviour.sleep;
  if (!s || s.command !== current) {
    return;
  }
  for (let i = 1; i <= s.seconds; i += 1) {
    await sleep(1000);
    if (resource) {
      emit('apply_progress', `${resource}: Still creating... [${i}s elapsed]`, {
        hook: {
          resource: resourceObject(resource),
          action: 'create',
          elapsed_seconds: i,
        },
      });
    }
  }
}

function failIfAsked(current) {
  const f = behaviour.fail;
  if (f && f.command === current) {
    if (current === 'init' || current === 'output') {
      // Commands without -json report errors as text on stderr.
      process.stderr.write(
        `\nError: ${f.summary || 'Simulated failure'}\n\n${f.detail || ''}\n`,
      );
    } else {
      diagnostic(f.summary || 'Simulated failure', f.detail);
    }
    process.exit(1);
  }
}

function outputValue(output, variables, resources) {
  if (output.fromVariable && output.fromVariable in variables) {
    return variables[output.fromVariable];
  }
  if (output.sensitive) {
    return `s3cr3t-${output.name}-value`;
  }
  if (/ip/.test(output.name)) {
    return '203.0.113.10';
  }
  if (/url/.test(output.name)) {
    return `https://console.example.com/${resources[0] || 'resource'}`;
  }
  if (/id$/.test(output.name)) {
    return 'i-0a1b2c3d4e5f67890';
  }
  return `${output.name}-value`;
}

function checkVariables(config, variables) {
  for (const v of config.variables) {
    if (v.required && !(v.name in variables)) {
      diagnostic(
        'No value for required variable',
        `The root module input variable "${v.name}" is not set, and has no default value. Use a -var or -var-file command line argument to provide a value for this variable.`,
      );
      process.exit(1);
    }
  }
  if (behaviour.echoVariables) {
    emit('log', `provider debug: variables ${JSON.stringify(variables)}`);
  }
}

function plan(destroy) {
  const config = readConfiguration();
  const variables = readVariables();
  checkVariables(config, variables);
  const state = readState();
  const existing = new Set(state ? state.resources : []);
  const changes = destroy
    ? [...existing].map(addr => ({ addr, action: 'delete' }))
    : config.resources
        .filter(addr => !existing.has(addr))
        .map(addr => ({ addr, action: 'create' }));
  return { config, variables, changes, destroy };
}

function emitPlan(p) {
  for (const c of p.changes) {
    emit(
      'planned_change',
      `${c.addr}: Plan to ${c.action === 'delete' ? 'delete' : 'create'}`,
      { change: { resource: resourceObject(c.addr), action: c.action } },
    );
  }
  const add = p.changes.filter(c => c.action === 'create').length;
  const remove = p.changes.filter(c => c.action === 'delete').length;
  emit(
    'change_summary',
    p.destroy
      ? `Plan: 0 to add, 0 to change, ${remove} to destroy.`
      : `Plan: ${add} to add, 0 to change, ${remove} to destroy.`,
    { changes: { add, change: 0, remove, operation: 'plan' } },
  );
  if (!p.destroy && p.config.outputs.length) {
    emit('outputs', `Outputs: ${p.config.outputs.length}`, {
      outputs: Object.fromEntries(
        p.config.outputs.map(o => [
          o.name,
          { sensitive: o.sensitive, action: 'create' },
        ]),
      ),
    });
  }
}

async function apply(p) {
  const addrs = [];
  for (const c of p.changes) {
    const verb = c.action === 'delete' ? 'Destroying' : 'Creating';
    emit('apply_start', `${c.addr}: ${verb}...`, {
      hook: { resource: resourceObject(c.addr), action: c.action },
    });
    await maybeSleep(p.destroy ? 'destroy' : 'apply', c.addr);
    const done =
      c.action === 'delete'
        ? `${c.addr}: Destruction complete after 0s`
        : `${c.addr}: Creation complete after 1s [id=i-0a1b2c3d4e5f67890]`;
    emit('apply_complete', done, {
      hook: {
        resource: resourceObject(c.addr),
        action: c.action,
        id_key: 'id',
        id_value: 'i-0a1b2c3d4e5f67890',
        elapsed_seconds: 1,
      },
    });
    addrs.push(c.addr);
  }
  if (p.destroy) {
    fs.rmSync(path.join(cwd, 'terraform.tfstate'), { force: true });
    emit(
      'change_summary',
      `Destroy complete! Resources: ${addrs.length} destroyed.`,
      {
        changes: {
          add: 0,
          change: 0,
          remove: addrs.length,
          operation: 'destroy',
        },
      },
    );
    return;
  }
  const previous = readState();
  const resources = [
    ...new Set([...(previous ? previous.resources : []), ...addrs]),
  ];
  const outputs = Object.fromEntries(
    p.config.outputs.map(o => [
      o.name,
      {
        sensitive: o.sensitive,
        type: 'string',
        value: outputValue(o, p.variables, resources),
      },
    ]),
  );
  fs.writeFileSync(
    path.join(cwd, 'terraform.tfstate'),
    JSON.stringify({ version: 4, resources, outputs }, null, 2),
  );
  emit(
    'change_summary',
    `Apply complete! Resources: ${addrs.length} added, 0 changed, 0 destroyed.`,
    {
      changes: { add: addrs.length, change: 0, remove: 0, operation: 'apply' },
    },
  );
  emit('outputs', `Outputs: ${Object.keys(outputs).length}`, { outputs });
}

async function main() {
  record();
  installSignalHandlers();
  if (behaviour.stderr) {
    process.stderr.write(`${behaviour.stderr}\n`);
  }
  switch (command) {
    case 'version':
      process.stdout.write(
        `${JSON.stringify(
          {
            terraform_version: VERSION,
            platform: 'linux_amd64',
            provider_selections: {},
            terraform_outdated: false,
          },
          null,
          2,
        )}\n`,
      );
      return;
    case 'init': {
      failIfAsked('init');
      const text = fs
        .readdirSync(cwd)
        .filter(f => f.endsWith('.tf'))
        .map(f => fs.readFileSync(path.join(cwd, f), 'utf8'))
        .join('\n');
      const providers = [...text.matchAll(/source\s*=\s*"([^"]+)"/g)].map(
        m => m[1],
      );
      process.stdout.write('\nInitializing the backend...\n');
      process.stdout.write('\nInitializing provider plugins...\n');
      for (const p of providers) {
        process.stdout.write(`- Finding latest version of ${p}...\n`);
        process.stdout.write(`- Installing ${p} v5.0.0...\n`);
      }
      process.stdout.write('\nTerraform has been successfully initialized!\n');
      return;
    }
    case 'plan': {
      emit('version', `Terraform ${VERSION}`, {
        terraform: VERSION,
        ui: '1.2',
      });
      const destroy = args.includes('-destroy');
      const p = plan(destroy);
      await maybeSleep('plan');
      failIfAsked('plan');
      emitPlan(p);
      const out = option('out')[0];
      if (out) {
        fs.writeFileSync(out, JSON.stringify(p));
      }
      return;
    }
    case 'apply':
    case 'destroy': {
      emit('version', `Terraform ${VERSION}`, {
        terraform: VERSION,
        ui: '1.2',
      });
      const planFile = args.slice(1).find(a => !a.startsWith('-'));
      let p;
      if (planFile) {
        p = readJson(planFile, null);
        if (!p) {
          diagnostic('Failed to load plan', `Could not read ${planFile}.`);
          process.exit(1);
        }
        if (option('var-file').length) {
          diagnostic(
            "Can't set variables when applying a saved plan",
            'The -var and -var-file options cannot be used when applying a saved plan file.',
          );
          process.exit(1);
        }
      } else {
        if (!args.includes('-auto-approve')) {
          diagnostic(
            'No -auto-approve',
            'Apply without a plan needs -auto-approve when input is disabled.',
          );
          process.exit(1);
        }
        p = plan(command === 'destroy');
        emitPlan(p);
      }
      failIfAsked(command);
      await apply(p);
      return;
    }
    case 'output': {
      failIfAsked('output');
      const state = readState();
      process.stdout.write(
        `${JSON.stringify(state ? state.outputs : {}, null, 2)}\n`,
      );
      return;
    }
    default:
      process.stderr.write(`fake-terraform: unsupported command ${command}\n`);
      process.exit(1);
  }
}

main().catch(error => {
  process.stderr.write(`${error.stack || error}\n`);
  process.exit(1);
});
