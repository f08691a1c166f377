import type { LogRangeDto } from '../api/types';

/** A range of a job's log as the backend serves it, with what it knows of the whole log. */
export interface LogRange extends LogRangeDto {
  text: string;
}

/** Reads the `#log start=… end=… size=… complete=…` first line of a ranged answer (backend/src/contract.ts). */
export function parseLogRange(body: string): LogRange {
  const newline = body.indexOf('\n');
  if (!body.startsWith('#log ') || newline < 0) {
    throw new Error("The backend's answer is not a log range: is it older than the plugin?");
  }
  const fields = new Map(
    body
      .slice(0, newline)
      .split(' ')
      .slice(1)
      .map((field) => [field.slice(0, field.indexOf('=')), field.slice(field.indexOf('=') + 1)] as const),
  );
  const count = (name: string) => {
    const value = Number(fields.get(name));
    if (!Number.isSafeInteger(value) || value < 0) throw new Error(`The backend's log range has no valid ${name}.`);
    return value;
  };
  return {
    start: count('start'),
    end: count('end'),
    size: count('size'),
    complete: fields.get('complete') === 'true',
    // From a running job's log only (and not from a backend older than the field).
    age: fields.has('age') ? count('age') : undefined,
    text: body.slice(newline + 1),
  };
}
