import {
  TemplateAction,
  TemplateExample,
} from '@backstage/plugin-scaffolder-node';
import { validate } from 'jsonschema';
import yaml from 'yaml';
import { runAction } from './testContext';

const EXPRESSION = /\$\{\{\s*(.*?)\s*\}\}/g;
const WHOLE_EXPRESSION = /^\$\{\{\s*(.*?)\s*\}\}$/;

/**
 * Fills in the `${{ ... }}` expressions of a template value from a table of
 * their values, keyed by the expression text; an expression the table lacks
 * fails the test. A string that is one expression becomes its value as it
 * is (the scaffolder keeps a number a number), others are interpolated.
 */
export function renderExpressions(
  value: unknown,
  values: Record<string, unknown>,
): unknown {
  const lookup = (expression: string) => {
    if (!(expression in values)) {
      throw new Error(`No value for the expression \${{ ${expression} }}`);
    }
    return values[expression];
  };
  if (typeof value === 'string') {
    const whole = WHOLE_EXPRESSION.exec(value);
    if (whole) {
      return lookup(whole[1]);
    }
    return value.replace(EXPRESSION, (_, expression: string) =>
      String(lookup(expression)),
    );
  }
  if (Array.isArray(value)) {
    return value.map(item => renderExpressions(item, values));
  }
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [
        key,
        renderExpressions(item, values),
      ]),
    );
  }
  return value;
}

/**
 * Runs the steps of an example template, in order, in one workspace and one
 * task, as the scaffolder would: each step's input is rendered, checked
 * against the action's JSON Schema (the scaffolder's own check) and handed to
 * the action its `action` names.
 */
export async function runExample(
  example: TemplateExample,
  options: {
    actions: TemplateAction<any, any, any>[];
    values: Record<string, unknown>;
    workspacePath: string;
    isDryRun: boolean;
    secrets?: Record<string, string>;
  },
) {
  const steps: Array<{ id: string; action: string; input: unknown }> =
    yaml.parse(example.example).steps;
  const results = [];
  for (const step of steps) {
    const action = options.actions.find(a => a.id === step.action);
    if (!action) {
      throw new Error(`The example uses ${step.action}, which was not given`);
    }
    const input = renderExpressions(step.input, options.values) as Record<
      string,
      unknown
    >;
    const schemaErrors = validate(input, action.schema?.input ?? {}).errors;
    const result = await runAction(action, {
      workspacePath: options.workspacePath,
      input,
      isDryRun: options.isDryRun,
      secrets: options.secrets,
    });
    results.push({
      stepId: step.id,
      input,
      schemaErrors: schemaErrors.map(e => e.stack),
      ...result,
    });
  }
  return results;
}
