/**
 * Candidate and staff communications: e-mail and SMS, in English and Simplified Chinese,
 * stored in the `messages` log, tracked, and sent exactly once per key.
 *
 * Activities (registered with the worker):
 * - sendToCandidate, sendAcknowledgement: what the workflow calls for the candidate
 *   (contact details from the database; a permanent failure is raised to HR);
 * - notifyStaff: one e-mail per staff member of a role or list;
 * - sendMessage: the exactly-once core the others use, for a fully specified message;
 * - acknowledgementData: accuracy and percentile, read-only.
 */
import type { Config } from '../../temporal.config';
import type { ActivityDeps } from '../deps';
import { loadAcknowledgementData } from './acknowledgement';
import { createCandidateMessaging } from './candidate';
import { createSmtpMailer, type Mailer } from './mailer';
import { createSendMessage, type TSendDeps } from './send';
import { createHttpSmsProvider, type SmsProvider } from './sms';
import { createNotifyStaff } from './staff';
import type { TAcknowledgementData } from './types';

export type TNotificationDeps = ActivityDeps & Omit<TSendDeps, keyof ActivityDeps>;

/** The real transports for what the configuration names; none for what it leaves unset. */
export function createTransports(config: Config): { mailer?: Mailer; sms?: SmsProvider } {
  return {
    ...(config.SMTP_URL ? { mailer: createSmtpMailer({ url: config.SMTP_URL }) } : {}),
    ...(config.SMS_GATEWAY_URL && config.SMS_GATEWAY_KEY
      ? { sms: createHttpSmsProvider({ url: config.SMS_GATEWAY_URL, key: config.SMS_GATEWAY_KEY }) }
      : {}),
  };
}

/**
 * `mailer` / `sms` default to the transports named by the configuration (SMTP_URL,
 * SMS_GATEWAY_URL); with neither given nor configured, messages are stored as 'rendered'.
 * Pass transports explicitly to close them on shutdown (Mailer.close()).
 */
export const createNotificationActivities = (deps: TNotificationDeps) => {
  const configured = deps.mailer === undefined || deps.sms === undefined ? createTransports(deps.config) : {};
  const sendDeps: TSendDeps = {
    ...deps,
    mailer: deps.mailer ?? configured.mailer,
    sms: deps.sms ?? configured.sms,
  };
  const sendMessage = createSendMessage(sendDeps);
  const notifyStaff = createNotifyStaff(deps, sendMessage);
  const { sendToCandidate, sendAcknowledgement } = createCandidateMessaging(deps, sendMessage, notifyStaff);
  return {
    sendMessage,
    sendToCandidate,
    sendAcknowledgement,
    notifyStaff,
    /** Accuracy and percentile for the interview acknowledgement, computed now (read-only). */
    async acknowledgementData({ applicationId }: { applicationId: string }): Promise<TAcknowledgementData> {
      return loadAcknowledgementData(deps.db, applicationId);
    },
  };
};

export type NotificationActivities = ReturnType<typeof createNotificationActivities>;

export { messageKey, smtpMessageId } from './keys';
export { signToken, verifyToken, pixelUrl, type TTokenPayload } from '../../shared/links';
export { createSmtpMailer, classifySmtpError, type Mailer, type TOutgoingEmail } from './mailer';
export { createHttpSmsProvider, type SmsProvider, type TOutgoingSms } from './sms';
export {
  DeliveryError,
  TemporaryDeliveryError,
  MessageInFlightError,
  UnknownTemplateError,
  TemplateDataError,
  NotificationInputError,
  NOTIFICATION_NON_RETRYABLE_ERRORS,
} from './errors';
export { renderMessage, templateLabel, TEMPLATES, TEMPLATE_NAMES, STAFF_ACTIONS } from './templates';
export type { TTemplateName, TTemplateData, TChannel, TRendered, TStaffAction } from './templates';
export type * from './types';
