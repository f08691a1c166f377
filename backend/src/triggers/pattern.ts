import { RE2JS } from 're2js';

/**
 * A trigger's branch, environment or ref pattern, read as Echo reads its trigger patterns: Java's
 * `String.matches`, so the pattern must match the whole value and Java's syntax works (`(?i)main`, `\d`, classes,
 * anchors). re2js (RE2/J, ported) runs in time linear in the value, so an author's pattern such as `(a+)+$` cannot
 * stall the backend's event loop; it refuses what RE2 cannot run in linear time (backreferences, lookaround).
 * The Deck plugin's trigger preview uses this same file, so the editor and the backend agree.
 */
export type CompiledPattern = { ok: true; matches(value: string): boolean } | { ok: false; reason: string };

export function compilePattern(pattern: string): CompiledPattern {
  try {
    const compiled = RE2JS.compile(pattern);
    return { ok: true, matches: (value) => compiled.matches(value) };
  } catch (error) {
    return { ok: false, reason: (error as Error).message };
  }
}
