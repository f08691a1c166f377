import type { WorkflowInputDto } from '../../api/types';
import type { InputValue } from './types';

/**
 * The input the backend fills in with a correlation id to find the run it started (backend/src/stage/stageRuns.ts,
 * CORRELATION_FIELD; docs/orca.md). The user never sets it.
 */
export const CORRELATION_INPUT = 'spinnaker_correlation_id';

/** GitHub allows 10 top-level client_payload properties and the stage adds the correlation id. */
export const MAX_CLIENT_PAYLOAD_PROPERTIES = 9;

/** The declared inputs the user sets. */
export const userInputs = (declared: WorkflowInputDto[]) =>
  declared.filter((input) => input.name !== CORRELATION_INPUT);

/** Values to pre-fill: the declared defaults of inputs the stage does not set yet. */
export function missingDefaults(
  declared: WorkflowInputDto[],
  values: Record<string, InputValue> = {},
): Record<string, InputValue> {
  const defaults: Record<string, InputValue> = {};
  for (const input of userInputs(declared)) {
    if (input.name in values || input.default === undefined) continue;
    // GitHub takes a number input as a string and refuses a JSON number.
    defaults[input.name] = input.type === 'number' ? String(input.default) : input.default;
  }
  return defaults;
}

/** Inputs the stage sets that the workflow no longer declares at that ref, in the stage's order. */
export function staleInputNames(declared: WorkflowInputDto[], values: Record<string, InputValue> = {}): string[] {
  const names = new Set(declared.map((input) => input.name));
  return Object.keys(values).filter((name) => !names.has(name));
}

export function isEmptyInput(value: InputValue | null | undefined): boolean {
  return value === undefined || value === null || (typeof value === 'string' && value.trim() === '');
}

/** A value GitHub takes for a `number` input: a decimal number, written as text. */
export function isNumberText(value: InputValue): boolean {
  const text = String(value).trim();
  return text !== '' && Number.isFinite(Number(text)) && !/^0[xob]/i.test(text);
}
