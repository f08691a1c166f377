/** Where Orca's template expressions begin (kork-expressions' `ExpressionTransform`, `${` … `}`). */
const EXPRESSION_PREFIX = '${';
/** What the prefix becomes in text from GitHub: as readable, and no longer an expression. docs/security.md. */
export const INERT_PREFIX = '$ {';

/**
 * Text GitHub users write (commit messages, run titles, branch names, deployment payloads) made inert for Orca.
 * Orca evaluates Spring expressions in the whole trigger of a pipeline it starts and in a stage's context each time
 * one of its tasks runs, and a string is an expression only if it holds `${`; `#jsonFromUrl` and friends reach the
 * network from Orca. Every string and every object key, however deep, has `${` turned into `$ {`; numbers,
 * booleans and null stay as they are.
 */
export function inert<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll(EXPRESSION_PREFIX, INERT_PREFIX) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => inert(item)) as T;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [inert(key), inert(item)])) as T;
  }
  return value;
}
