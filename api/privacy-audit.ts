/**
 * What the privacy routes add to their request's audit row (api/audit.ts writes one row
 * per mutation and per sensitive read): a named action, the application concerned and
 * counts or reasons, never personal data. Codec bodies are payloads (personal data, plain
 * or sealed), so they are never copied into the log.
 */
import type { FastifyRequest } from 'fastify';
import { noteAudit } from './audit';

export interface TPrivacyAuditEntry {
  action: 'codec.decode' | 'codec.encode' | 'application.erase' | 'application.export';
  /** The application concerned, when there is one. */
  applicationId?: string;
  /** Counts and reasons only: nothing personal. */
  detail?: Record<string, unknown>;
}

export function auditPrivacy(req: FastifyRequest, entry: TPrivacyAuditEntry): Promise<void> {
  noteAudit(req, {
    action: entry.action,
    ...(entry.applicationId ? { target: { type: 'application', id: entry.applicationId } } : {}),
    changes: { ...entry.detail, ...(entry.action.startsWith('codec.') ? { body: 'payloads not recorded' } : {}) },
  });
  return Promise.resolve();
}
