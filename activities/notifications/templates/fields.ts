/** Field schemas shared by templates. */
import { z } from 'zod';

export const ZTextSchema = z.string().trim().min(1).max(500);
export const ZLongTextSchema = z.string().trim().min(1).max(5000);
/** A date (YYYY-MM-DD) or an instant (ISO-8601 with offset). */
export const ZWhenSchema = z.union([z.iso.date(), z.iso.datetime({ offset: true })]);
/** Links go in href attributes: http(s) only, never javascript: and friends. */
export const ZLinkSchema = z.url({ protocol: /^https?$/ });
