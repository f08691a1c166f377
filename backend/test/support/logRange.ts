import type request from 'supertest';
import { expect } from 'vitest';
import type { LogRangeDto } from '../../src/contract.js';

/** The answer of a ranged read: its first line parsed, and the log text after it. */
export function ranged(res: request.Response): LogRangeDto & { text: string } {
  const text = res.text;
  const newline = text.indexOf('\n');
  const fields = Object.fromEntries(
    text
      .slice(0, newline)
      .split(' ')
      .slice(1)
      .map((field) => field.split('=')),
  );
  expect(text.slice(0, newline)).toMatch(/^#log start=\d+ end=\d+ size=\d+ (complete=true|complete=false age=\d+)$/);
  return {
    start: Number(fields.start),
    end: Number(fields.end),
    size: Number(fields.size),
    complete: fields.complete === 'true',
    ...(fields.age === undefined ? {} : { age: Number(fields.age) }),
    text: text.slice(newline + 1),
  };
}
