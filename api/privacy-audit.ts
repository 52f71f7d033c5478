/**
 * Where the privacy routes record who did what to whose data (codec server, erasure,
 * export). One function, so it can be pointed at the audit log (api/audit.ts, being
 * built on the `admin` branch) in one place; until then each entry is one structured
 * log line (`audit: true`), never with personal data or payload contents.
 */
import type { FastifyRequest } from 'fastify';
import { principalOf } from './auth';

export interface TPrivacyAuditEntry {
  action: 'codec.decode' | 'codec.encode' | 'application.erase' | 'application.export';
  /** The application concerned, when there is one. */
  applicationId?: string;
  /** Counts and reasons only: nothing personal. */
  detail?: Record<string, unknown>;
}

export async function auditPrivacy(req: FastifyRequest, entry: TPrivacyAuditEntry): Promise<void> {
  const p = principalOf(req);
  req.log.info({ audit: true, actorId: p.userId, roles: p.roles, ...entry }, `audit ${entry.action}`);
}
