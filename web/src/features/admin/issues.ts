/**
 * Field errors for the Admin forms, from either side: the browser's own check (the domain's
 * zod schemas, the very code the API runs) or the API's `details[]`. Both speak the same
 * English messages, so one table puts them into the user's language.
 */
import { ApiError } from '../../api/client';
import type { TAdminKey } from '../../i18n/admin.en';
import { useI18n } from '../../i18n/i18n';
import type { TIssue } from './validation';

export type { TIssue } from './validation';

/** The API's refusal as field issues (`body.x.y` becomes `x.y`); none for other errors. */
export function apiIssues(error: unknown): TIssue[] {
  if (!(error instanceof ApiError)) return [];
  return error.details.filter((d) => d.path?.startsWith('body.')).map((d) => ({ path: d.path!.slice(5), message: d.message }));
}

/** Messages the domain's schemas and the admin routes use, in words the user reads. */
const KNOWN: Record<string, TAdminKey> = {
  'must be lower_snake_case, starting with a letter': 'admin.issue.snakeCase',
  'must be lower_snake_case': 'admin.issue.snakeCase',
  'must be greater than 0': 'admin.issue.positive',
  'must be between 0 and 100': 'admin.issue.range100',
  'must be between 0 and 1': 'admin.issue.range1',
  'ai and human weights must sum to 1': 'admin.issue.weightsSum',
  'duplicate competency key': 'admin.issue.duplicateKey',
  'min must not be above max': 'admin.issue.minAboveMax',
  'must be an ISO 4217 code like CNY': 'admin.issue.currency',
  'no such department': 'admin.issue.noDepartment',
  'no such user': 'admin.issue.noUser',
  'this user is deactivated': 'admin.issue.userInactive',
  'must be in the future': 'admin.issue.future',
  'must be an http:// or https:// URL': 'admin.issue.url',
  'must be at least 16 characters': 'admin.issue.secretLength',
  'must be a duration: <n>s, <n>m, <n>h, <n>d or <n>bd': 'admin.issue.duration',
  'ratings must be strictly ordered: excellent > good > fair > poor': 'admin.issue.ratingOrder',
  'a day cannot be both a holiday and a working day': 'admin.issue.bothDays',
  'must be a base64-encoded PNG': 'admin.issue.png',
  'logo must be at most about 500 KB': 'admin.issue.logoSize',
  'must contain {seq} or {seq:N}': 'admin.issue.seq',
  'must be an IANA time zone such as Asia/Shanghai or UTC': 'admin.issue.timeZone',
};
const BY_CODE: Record<string, TAdminKey> = {
  too_small: 'admin.issue.tooSmall',
  too_big: 'admin.issue.tooBig',
  invalid_type: 'admin.issue.required',
  invalid_format: 'admin.issue.format',
  invalid_value: 'admin.issue.format',
};

/** Zod's own default messages, as the API passes them on (it sends no issue code). */
const DEFAULT_MESSAGES: [RegExp, TAdminKey][] = [
  [/^Too small/, 'admin.issue.tooSmall'],
  [/^Too big/, 'admin.issue.tooBig'],
  [/^Invalid UUID/, 'admin.issue.pick'],
  [/^Invalid input: expected \w+, received undefined/, 'admin.issue.required'],
  [/^Invalid (email|URL|input)/, 'admin.issue.format'],
];

export function useIssueText() {
  const { t } = useI18n();
  return (issue: TIssue): string => {
    const known =
      KNOWN[issue.message] ??
      (/^must be a day of \d{4}$/.test(issue.message) ? 'admin.issue.dayOfYear' : undefined) ?? (issue.code ? BY_CODE[issue.code] : undefined) ?? DEFAULT_MESSAGES.find(([re]) => re.test(issue.message))?.[1];
    return known ? t(known) : t('errors.field', { message: issue.message });
  };
}

/** Form.Item props for `field` given the issues in force: red, with the reason under it. */
export function useFieldStatus(issues: TIssue[]) {
  const text = useIssueText();
  return (field: string) => {
    const found = issues.find((i) => i.path === field);
    return found ? { validateStatus: 'error' as const, help: text(found) } : {};
  };
}
