import { eq } from 'drizzle-orm';
import { FALLBACK_SETTINGS, ZSettingsDefaultsSchema, type TSettingsDefaults } from '../domain/contracts/settings';
import type { Db } from './client';
import { settings } from './schema';

export interface TSettings {
  companyName: string;
  companyAddress: string;
  logoPngBase64: string | undefined;
  generalManagerUserId: string | undefined;
  defaults: TSettingsDefaults;
  saved: boolean;
}

/** The organisation's settings, or the documented fallbacks before anyone saved them. */
export async function getSettings(db: Db): Promise<TSettings> {
  const [row] = await db.select().from(settings).where(eq(settings.id, 1));
  if (!row) return { ...FALLBACK_SETTINGS, saved: false };
  return {
    companyName: row.companyName,
    companyAddress: row.companyAddress,
    logoPngBase64: row.logoPngBase64 ?? undefined,
    generalManagerUserId: row.generalManagerUserId ?? undefined,
    // Settings saved by an older version lack newer fields: fill them with their defaults.
    defaults: ZSettingsDefaultsSchema.safeParse(row.defaults).data ?? FALLBACK_SETTINGS.defaults,
    saved: true,
  };
}
