/** Checking a form with a zod schema the API also uses; pure (no browser), so a test runs it beside the API. */
import type { ZodType } from 'zod';

export interface TIssue {
  /** The body field, dotted: `competencies.0.weight`. */
  path: string;
  message: string;
  code?: string;
}

/** The schema's issues for `value`, paths dotted as the API's `details[].path` after `body.`. */
export function schemaIssues(schema: ZodType, value: unknown): TIssue[] {
  const r = schema.safeParse(value);
  return r.success ? [] : r.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message, code: i.code }));
}
