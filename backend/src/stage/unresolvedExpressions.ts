import { InputError } from '../errors.js';

/**
 * Orca evaluates the webhook payload as one template: when any `${…}` in it fails, kork's `ExpressionTransform`
 * returns the whole template unevaluated, and `#toJson` fails on any value that still holds `${`
 * (SPINNAKER-FACTS.md). The backend then receives text that is not JSON, or fields still holding `${…}`.
 * This names those fields and says what usually causes them.
 */

export interface Unresolved {
  /** Where in the body: `inputs`, `inputs.version`, or `(body)` when the text cannot be read at all. */
  field: string;
  expression: string;
}

const MARKER = '@@spinnaker-unresolved-';
const MAX_SHOWN = 120;

/**
 * The end of the `${…}` starting at `start` (index after its closing brace), counting nested braces and skipping
 * SpEL's quoted strings; the end of the text when it never closes. Linear in the text's length.
 */
function expressionEnd(text: string, start: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = start + 1; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote) quote = undefined;
    } else if (char === "'") {
      quote = char;
    } else if (char === '{') {
      depth++;
    } else if (char === '}' && --depth === 0) {
      return i + 1;
    }
  }
  return text.length;
}

/**
 * Replaces every `${…}` by a marker (a JSON string outside strings, plain text inside them), so that text Orca left
 * unevaluated can still be read as JSON to find the fields that hold expressions.
 */
function markExpressions(text: string): { marked: string; expressions: string[] } {
  const expressions: string[] = [];
  let marked = '';
  let inString = false;
  for (let i = 0; i < text.length;) {
    const char = text[i] ?? '';
    if (char === '$' && text[i + 1] === '{') {
      const end = expressionEnd(text, i);
      const token = `${MARKER}${expressions.length}@@`;
      expressions.push(text.slice(i, end));
      marked += inString ? token : JSON.stringify(token);
      i = end;
      continue;
    }
    if (inString && char === '\\') {
      marked += text.slice(i, i + 2);
      i += 2;
      continue;
    }
    if (char === '"') inString = !inString;
    marked += char;
    i++;
  }
  return { marked, expressions };
}

/** Calls `found` with each string in `value` and its path; iterative, so a deeply nested body cannot overflow the stack. */
function collect(value: unknown, found: (path: string, text: string) => void): void {
  // Children are pushed last first, so that strings come out in the body's order.
  const pending: [string, unknown][] = [['', value]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [path, item] = next;
    if (typeof item === 'string') found(path, item);
    else if (item && typeof item === 'object') {
      const entries = Array.isArray(item)
        ? item.map((entry, index) => [`[${index}]`, entry] as const)
        : Object.entries(item);
      for (let k = entries.length - 1; k >= 0; k--) {
        const [key, entry] = entries[k] ?? ['', undefined];
        pending.push([Array.isArray(item) ? `${path}${key}` : path ? `${path}.${key}` : key, entry]);
      }
    }
  }
}

/** The fields of a body that still hold `${…}`; empty when Orca evaluated everything. */
export function findUnresolved(body: string | unknown): Unresolved[] {
  const text = typeof body === 'string' ? body : undefined;
  if (text === undefined) {
    const found: Unresolved[] = [];
    collect(body, (field, value) => {
      const at = value.indexOf('${');
      if (at >= 0) found.push({ field, expression: value.slice(at, expressionEnd(value, at)) });
    });
    return found;
  }
  const { marked, expressions } = markExpressions(text);
  if (!expressions.length) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(marked);
  } catch {
    return [{ field: '(body)', expression: expressions[0] ?? '' }];
  }
  const found: Unresolved[] = [];
  const pattern = new RegExp(`${MARKER}(\\d+)@@`, 'g');
  collect(parsed, (field, value) => {
    for (const match of value.matchAll(pattern)) found.push({ field, expression: expressions[Number(match[1])] ?? '' });
  });
  return found;
}

const shorten = (text: string) => (text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN)}…` : text);

/** The stage's own fields, where an expression that fails usually sits, most likely first. */
const STAGE_FIELDS = ['inputs', 'clientPayload', 'ref', 'workflow', 'repository', 'eventType'];

/** Our payload template's own `${#toJson(…)}`, left as it was only because another expression failed. */
const isTemplateOwn = ({ field, expression }: Unresolved) =>
  expression.replace(/\s+/g, '') === `\${#toJson(${field})}` ||
  (['executionId', 'stageId', 'stageStartTime', 'application'].includes(field) && expression.startsWith('${#toJson('));

/** The 400 for a body Orca could not evaluate: which fields, and what usually causes it. */
export function unresolvedError(found: Unresolved[]): InputError {
  const specific = found.filter((item) => !isTemplateOwn(item));
  const fields = new Set(found.map((item) => item.field));
  // When the whole template came back unevaluated, every field holds our own `${#toJson(field)}`: the expression
  // that failed is in one of the stage's fields, so name those.
  const where = specific.length
    ? `still holds an expression Orca could not evaluate in ${specific.map(({ field, expression }) => `${field} (${shorten(expression)})`).join(', ')}`
    : `is Orca's payload template, unevaluated: an expression in one of the stage's fields failed; look at ${STAGE_FIELDS.filter((field) => fields.has(field)).join(', ')} in the stage JSON, most often inputs or clientPayload`;
  return new InputError(
    `The dispatch body ${where}. Orca sends the whole payload unevaluated when one expression in it fails. ` +
      'Usual causes: the pipeline ran without a trigger parameter the stage refers to (${trigger.parameters.version}: ' +
      "give the parameter a default, or write ${trigger.parameters['version'] ?: '1.0.0'}), or a value holds GitHub's own " +
      '${{ }} syntax, which Orca tries to evaluate as its own: write GitHub expressions in the workflow, not in the stage (docs/stage.md).',
  );
}
