/*
 * The README's install steps, as the README writes them. A step is a fenced
 * code block right after an HTML comment (invisible on GitHub):
 *
 *   <!-- verify-install: run -->                      the block is a bash script, run in the app root
 *   <!-- verify-install: append FILE -->              the block's lines are appended to FILE
 *   <!-- verify-install: insert-before FILE MARKER --> ... inserted before the first line that is MARKER
 *   <!-- verify-install: replace-statement FILE MARKER --> ... replaces the statement (first line to its `;`) that holds MARKER
 *   <!-- verify-install: expect FILE -->              every line of the block is already in FILE
 *   <!-- verify-install: merge-yaml FILE -->          the block (YAML) is merged into FILE
 *   <!-- verify-install: merge-json FILE -->          the block (JSON) is merged into FILE
 *
 * FILE is relative to the app root. Merging adds keys, replaces scalars and
 * appends to lists. In an `expect` block, lines starting with `//` or `#`
 * and trailing ` // ...` or ` # ...` comments are left out of the check.
 */
import fs from 'node:fs';
import path from 'node:path';
import YAML, { isMap, isSeq, YAMLMap, YAMLSeq } from 'yaml';
import { StepError } from './runner';

export type ReadmeStep = {
  action:
    | 'run'
    | 'append'
    | 'insert-before'
    | 'replace-statement'
    | 'expect'
    | 'merge-yaml'
    | 'merge-json';
  file?: string;
  marker?: string;
  /** The block's text, without its fences. */
  code: string;
  /** Where the block starts, `README.md:123`. */
  source: string;
};

const MARKER = /^<!--\s*verify-install:\s*(.*?)\s*-->\s*$/;
const FENCE = /^(\s*)(`{3,}|~{3,})/;

/** Every marked block of `readme`, in order. */
export function readSteps(readme: string): ReadmeStep[] {
  const lines = fs.readFileSync(readme, 'utf8').split('\n');
  const name = path.basename(readme);
  const steps: ReadmeStep[] = [];
  for (let i = 0; i < lines.length; i++) {
    const marker = MARKER.exec(lines[i]);
    if (!marker) {
      continue;
    }
    const where = `${name}:${i + 1}`;
    let open = i + 1;
    while (open < lines.length && lines[open].trim() === '') {
      open++;
    }
    const fence = FENCE.exec(lines[open] ?? '');
    if (!fence) {
      throw new StepError(
        `${where}: a verify-install comment must be followed by a fenced code block`,
      );
    }
    let close = open + 1;
    while (close < lines.length && !lines[close].trim().startsWith(fence[2])) {
      close++;
    }
    if (close === lines.length) {
      throw new StepError(`${where}: the code block is not closed`);
    }
    const code = lines
      .slice(open + 1, close)
      .map(line =>
        line.startsWith(fence[1]) ? line.slice(fence[1].length) : line,
      )
      .join('\n');
    steps.push({ ...parseMarker(marker[1], where), code, source: where });
    i = close;
  }
  return steps;
}

function parseMarker(
  text: string,
  where: string,
): Pick<ReadmeStep, 'action' | 'file' | 'marker'> {
  const [action, file, ...rest] = text.split(/\s+/);
  const marker = rest.join(' ').replace(/^(['"])(.*)\1$/, '$2');
  switch (action) {
    case 'run':
      if (file) {
        throw new StepError(`${where}: run takes no argument`);
      }
      return { action };
    case 'insert-before':
    case 'replace-statement':
      if (!file || !marker) {
        throw new StepError(`${where}: ${action} FILE MARKER`);
      }
      return { action, file, marker };
    case 'append':
    case 'expect':
    case 'merge-yaml':
    case 'merge-json':
      if (!file || marker) {
        throw new StepError(`${where}: ${action} FILE`);
      }
      return { action, file };
    default:
      throw new StepError(
        `${where}: unknown verify-install action "${action}"`,
      );
  }
}

/** A one-line title of the step for the output. */
export function describe(step: ReadmeStep): string {
  const first = step.code
    .split('\n')
    .map(line => line.trim())
    .find(line => line && !line.startsWith('#') && !line.startsWith('//'));
  const command =
    first && first.length > 60 ? `${first.slice(0, 57)}...` : first;
  const what =
    step.action === 'run'
      ? `run \`${command}\`${step.code.trim().includes('\n') ? ' ...' : ''}`
      : `${step.action} ${step.file}${
          step.marker
            ? ` ${step.action === 'insert-before' ? 'before' : 'holding'} \`${
                step.marker
              }\``
            : ''
        }`;
  return `${step.source} ${what}`;
}

function target(appDir: string, step: ReadmeStep): string {
  const file = path.resolve(appDir, step.file!);
  if (!fs.existsSync(file)) {
    throw new StepError(
      `${step.source}: ${step.file} does not exist in the app`,
    );
  }
  return file;
}

/**
 * Applies a file step to the app. `run` steps are run by the caller, which
 * owns processes and logs.
 */
export function applyFileStep(appDir: string, step: ReadmeStep) {
  const file = target(appDir, step);
  const text = fs.readFileSync(file, 'utf8');
  const block = step.code.replace(/\n+$/, '');
  switch (step.action) {
    case 'append':
      fs.writeFileSync(file, `${text.replace(/\n*$/, '\n')}${block}\n`);
      return;
    case 'insert-before': {
      const lines = text.split('\n');
      const at = lines.findIndex(line => line.trim() === step.marker);
      if (at < 0) {
        throw new StepError(
          `${step.source}: no line \`${step.marker}\` in ${step.file}`,
        );
      }
      lines.splice(at, 0, ...block.split('\n'), '');
      fs.writeFileSync(file, lines.join('\n'));
      return;
    }
    case 'replace-statement': {
      // The statement that holds the marker, from the line it starts on to
      // the line that ends it with `;` (prettier may have split it).
      const lines = text.split('\n');
      const at = lines.findIndex(line => line.includes(step.marker!));
      if (at < 0) {
        throw new StepError(
          `${step.source}: nothing in ${step.file} holds \`${step.marker}\``,
        );
      }
      let start = at;
      const continues = (line: string) =>
        line.trim() !== '' &&
        !/;\s*$/.test(line) &&
        !line.trim().startsWith('//');
      while (start > 0 && continues(lines[start - 1])) {
        start--;
      }
      let end = at;
      while (end < lines.length - 1 && !/;\s*$/.test(lines[end])) {
        end++;
      }
      lines.splice(start, end - start + 1, ...block.split('\n'));
      fs.writeFileSync(file, lines.join('\n'));
      return;
    }
    case 'expect': {
      const squeeze = (s: string) => s.replace(/\s+/g, '');
      const haystack = squeeze(text);
      const missing = block
        .split('\n')
        .map(line => line.replace(/\s+(\/\/|#)\s.*$/, '').trim())
        .filter(line => line && !line.startsWith('//') && !line.startsWith('#'))
        .filter(line => !haystack.includes(squeeze(line)));
      if (missing.length) {
        throw new StepError(
          `${step.source}: the README says ${
            step.file
          } already has these lines, but it does not:\n${missing.join('\n')}`,
        );
      }
      return;
    }
    case 'merge-yaml': {
      const doc: YAML.Document = YAML.parseDocument(text);
      const patch = YAML.parseDocument(block);
      if (doc.errors.length || patch.errors.length) {
        throw new StepError(
          `${step.source}: YAML does not parse: ${[
            ...doc.errors,
            ...patch.errors,
          ]
            .map(e => e.message)
            .join('; ')}`,
        );
      }
      if (!isMap(doc.contents)) {
        doc.contents = doc.createNode({});
      }
      mergeYaml(doc, doc.contents as YAMLMap, patch.contents as YAMLMap);
      fs.writeFileSync(
        file,
        doc.toString({ flowCollectionPadding: false, lineWidth: 0 }),
      );
      return;
    }
    case 'merge-json': {
      let patch: unknown;
      try {
        patch = JSON.parse(block);
      } catch (error) {
        throw new StepError(`${step.source}: JSON does not parse: ${error}`);
      }
      const merged = mergeJson(JSON.parse(text), patch);
      fs.writeFileSync(file, `${JSON.stringify(merged, null, 2)}\n`);
      return;
    }
    default:
      throw new StepError(`${step.source}: ${step.action} is not a file step`);
  }
}

function mergeYaml(doc: YAML.Document, into: YAMLMap, patch: YAMLMap) {
  for (const pair of patch.items) {
    const key = (pair.key as YAML.Scalar).value;
    const current = into.get(key, true);
    if (isMap(current) && isMap(pair.value)) {
      mergeYaml(doc, current, pair.value);
    } else if (isSeq(current) && isSeq(pair.value)) {
      (current as YAMLSeq).items.push(...(pair.value as YAMLSeq).items);
    } else {
      into.set(key, pair.value);
    }
  }
}

function mergeJson(into: any, patch: any): any {
  if (Array.isArray(into) && Array.isArray(patch)) {
    return [...into, ...patch];
  }
  if (
    into &&
    patch &&
    typeof into === 'object' &&
    typeof patch === 'object' &&
    !Array.isArray(into) &&
    !Array.isArray(patch)
  ) {
    const out = { ...into };
    for (const [key, value] of Object.entries(patch)) {
      out[key] = key in into ? mergeJson(into[key], value) : value;
    }
    return out;
  }
  return patch;
}
