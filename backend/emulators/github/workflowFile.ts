import { parse } from 'yaml';

export interface DispatchInput {
  type?: string;
  required?: boolean;
  default?: unknown;
  options?: unknown[];
  description?: string;
}

export interface ParsedWorkflow {
  name?: string;
  /** `run-name`, with its `${{ }}` expressions unrendered. */
  runName?: string;
  /** `undefined`: no `repository_dispatch` trigger; `'any'`: every event type. */
  repositoryDispatchTypes?: string[] | 'any';
  /** `undefined` when the workflow has no `workflow_dispatch` trigger. */
  dispatchInputs?: Record<string, DispatchInput>;
  jobs: { name: string; steps: string[] }[];
}

type Yaml = Record<string, unknown>;

const asObject = (value: unknown): Yaml => (value && typeof value === 'object' ? (value as Yaml) : {});

/** The parts of a workflow file the simulator acts on: its name, dispatch inputs, and each job's step titles. */
export function parseWorkflow(text: string): ParsedWorkflow {
  let doc: Yaml;
  try {
    doc = asObject(parse(text));
  } catch {
    return { jobs: [] };
  }
  const on = doc.on;
  const triggers =
    typeof on === 'string'
      ? { [on]: null }
      : Array.isArray(on)
        ? Object.fromEntries(on.map((t) => [t, null]))
        : asObject(on);
  const dispatch = 'workflow_dispatch' in triggers ? asObject(triggers.workflow_dispatch) : undefined;
  const jobs = Object.entries(asObject(doc.jobs)).map(([key, value]) => {
    const job = asObject(value);
    const steps = (Array.isArray(job.steps) ? job.steps : []).map((raw) => {
      const step = asObject(raw);
      if (typeof step.name === 'string') return `Run ${step.name}`;
      if (typeof step.uses === 'string') return `Run ${step.uses}`;
      return `Run ${String(step.run ?? '').split('\n')[0]}`;
    });
    return { name: typeof job.name === 'string' ? job.name : key, steps: ['Set up job', ...steps, 'Complete job'] };
  });
  const repositoryDispatch =
    'repository_dispatch' in triggers ? asObject(triggers.repository_dispatch).types : undefined;
  return {
    name: typeof doc.name === 'string' ? doc.name : undefined,
    runName: typeof doc['run-name'] === 'string' ? doc['run-name'] : undefined,
    repositoryDispatchTypes:
      'repository_dispatch' in triggers
        ? Array.isArray(repositoryDispatch)
          ? repositoryDispatch.map(String)
          : 'any'
        : undefined,
    dispatchInputs: dispatch && (asObject(dispatch.inputs) as Record<string, DispatchInput>),
    jobs,
  };
}

/**
 * GitHub's 422 messages for `inputs` that do not fit the workflow at the dispatched ref, or undefined when they fit.
 * "Unexpected inputs provided" is verbatim from GitHub answers quoted in peter-evans/slash-command-dispatch#115;
 * the other two wordings are the simulator's own.
 */
export function checkDispatchInputs(
  declared: Record<string, DispatchInput>,
  given: Record<string, unknown> = {},
): string | undefined {
  const unexpected = Object.keys(given).filter((name) => !(name in declared));
  if (unexpected.length) return `Unexpected inputs provided: ${JSON.stringify(unexpected)}`;
  for (const [name, input] of Object.entries(declared)) {
    const value = given[name];
    if (input.required && value === undefined && input.default === undefined)
      return `Required input '${name}' not provided`;
    if (input.type === 'choice' && value !== undefined && !(input.options ?? []).map(String).includes(String(value))) {
      return `Provided value '${String(value)}' for input '${name}' not in the list of allowed values`;
    }
  }
  return undefined;
}

/**
 * A `run-name` with the expressions GitHub evaluates in it for dispatched runs: `inputs.X`,
 * `github.event.inputs.X` and `github.event.client_payload.<path>`; anything else renders empty.
 */
export function renderRunName(
  template: string,
  context: { inputs?: Record<string, unknown>; clientPayload?: Record<string, unknown> },
): string {
  return template.replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_match, expression: string) => {
    const path = expression.split('.');
    const root =
      path[0] === 'inputs'
        ? { value: context.inputs, rest: path.slice(1) }
        : expression.startsWith('github.event.inputs.')
          ? { value: context.inputs, rest: path.slice(3) }
          : expression.startsWith('github.event.client_payload.')
            ? { value: context.clientPayload, rest: path.slice(3) }
            : { value: undefined, rest: [] };
    const value = root.rest.reduce<unknown>((at, key) => asObject(at)[key], root.value);
    return value === undefined || value === null ? '' : String(value);
  });
}
