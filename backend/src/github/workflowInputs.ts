import { parse } from 'yaml';
import type { WorkflowInputDto, WorkflowInputType } from '../contract.js';
import { UnprocessableError } from '../errors.js';

const INPUT_TYPES: readonly WorkflowInputType[] = ['string', 'choice', 'boolean', 'number', 'environment'];

type Yaml = Record<string, unknown>;

function isObject(value: unknown): value is Yaml {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The `on:` forms GitHub accepts: a single event, a list of events, or a map of event to settings.
 * https://docs.github.com/actions/writing-workflows/workflow-syntax-for-github-actions#on
 */
function dispatchTrigger(on: unknown): { dispatchable: boolean; settings: unknown } {
  if (typeof on === 'string') return { dispatchable: on === 'workflow_dispatch', settings: undefined };
  if (Array.isArray(on)) return { dispatchable: on.includes('workflow_dispatch'), settings: undefined };
  if (isObject(on) && 'workflow_dispatch' in on) return { dispatchable: true, settings: on.workflow_dispatch };
  return { dispatchable: false, settings: undefined };
}

function toInput(name: string, spec: unknown): WorkflowInputDto {
  const s = isObject(spec) ? spec : {};
  const type = INPUT_TYPES.includes(s.type as WorkflowInputType) ? (s.type as WorkflowInputType) : 'string';
  const input: WorkflowInputDto = { name, type, required: s.required === true || s.required === 'true' };
  if (typeof s.description === 'string') input.description = s.description;
  if (['string', 'number', 'boolean'].includes(typeof s.default))
    input.default = s.default as string | number | boolean;
  if (type === 'choice') input.options = Array.isArray(s.options) ? s.options.map(String) : [];
  return input;
}

/**
 * The `workflow_dispatch` inputs a workflow file declares, in file order.
 * Parsed as YAML 1.2, as GitHub does, so the key `on` stays a string rather than YAML 1.1's `true`.
 */
export function parseDispatchInputs(
  source: string,
  path: string,
): { dispatchable: boolean; inputs: WorkflowInputDto[] } {
  let doc: unknown;
  try {
    doc = parse(source, { version: '1.2', maxAliasCount: 100 });
  } catch (error) {
    throw new UnprocessableError(`${path} is not valid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (!isObject(doc)) throw new UnprocessableError(`${path} is not a workflow: it has no top-level mapping.`);
  const { dispatchable, settings } = dispatchTrigger(doc.on);
  const declared = isObject(settings) && isObject(settings.inputs) ? settings.inputs : {};
  return { dispatchable, inputs: Object.entries(declared).map(([name, spec]) => toInput(name, spec)) };
}
