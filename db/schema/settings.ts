import { integer, jsonb, pgTable, text, timestamp, uuid, check } from 'drizzle-orm/pg-core';
import { sql } from 'drizzle-orm';
import type { TRetention, TSettingsDefaults } from '../../domain/contracts/settings';

/** Organisation settings: a single row (id = 1). */
export const settings = pgTable(
  'settings',
  {
    id: integer('id').primaryKey().default(1),
    companyName: text('company_name').notNull(),
    companyAddress: text('company_address').notNull(),
    logoPngBase64: text('logo_png_base64'),
    generalManagerUserId: uuid('general_manager_user_id'),
    defaults: jsonb('defaults').$type<TSettingsDefaults>().notNull(),
    /** How long personal data is kept (ZRetentionSchema); null: the defaults. */
    retention: jsonb('retention').$type<TRetention>(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('settings_single_row', sql`${t.id} = 1`)],
);
