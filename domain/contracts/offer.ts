import { z } from 'zod';
import { ZDateSchema, ZMoneySchema, ZShortTextSchema } from './common';

export const ZOfferDraftSchema = z.object({
  position: ZShortTextSchema,
  salary: ZMoneySchema,
  benefits: z.array(z.string().trim().min(1).max(300)).max(30),
  startDate: ZDateSchema,
  terms: z.string().trim().max(20_000).optional(),
});
export type TOfferDraft = z.infer<typeof ZOfferDraftSchema>;
