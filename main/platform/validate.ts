import type { z } from 'zod';
import { KiwiError } from './errors.ts';

/** Human-readable summary of a zod failure: `llm.model: expected string; port: too big`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    // A whole value of the wrong kind has no path: "Invalid request body: expected object", not "…body: body: …".
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

/** Parse or throw a 400 KiwiError that says what was wrong and where. */
export function parseOrThrow<S extends z.ZodType>(schema: S, value: unknown, what: string): z.infer<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw new KiwiError('invalid_request', `Invalid ${what}: ${describeIssues(result.error)}`, 400);
  return result.data;
}
