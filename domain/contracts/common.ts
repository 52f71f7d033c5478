import { z } from 'zod';
import { DURATION_PATTERN } from '../durations';

export const ZIdSchema = z.uuid();
export const ZDurationSchema = z
  .string()
  .regex(DURATION_PATTERN, 'must be a duration: <n>s, <n>m, <n>h, <n>d or <n>bd');
export const ZLocaleSchema = z.enum(['en', 'zh-CN']);
export type TLocale = z.infer<typeof ZLocaleSchema>;
export const ZScore100Schema = z.number().min(0, 'must be between 0 and 100').max(100, 'must be between 0 and 100');
export const ZUnitIntervalSchema = z.number().min(0, 'must be between 0 and 1').max(1, 'must be between 0 and 1');
export const ZDateSchema = z.iso.date();
export const ZShortTextSchema = z.string().trim().min(1).max(200);
export const ZLongTextSchema = z.string().max(5000);
export const ZCurrencySchema = z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code like CNY');
export const ZPeriodSchema = z.enum(['year', 'month', 'hour']);

export const ZMoneySchema = z.object({
  amount: z.number().positive('must be greater than 0'),
  currency: ZCurrencySchema,
  period: ZPeriodSchema,
});
export type TMoney = z.infer<typeof ZMoneySchema>;

export const ROLES = ['admin', 'hr', 'hiring_manager', 'approver', 'it', 'mentor', 'integrator'] as const;
export const ZRoleSchema = z.enum(ROLES);
export type TRole = z.infer<typeof ZRoleSchema>;
