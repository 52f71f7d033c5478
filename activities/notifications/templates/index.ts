/**
 * The template catalogue. To add a message: write `<name>.ts` with `defineTemplate`
 * (a zod schema for its data, English and Simplified Chinese content, the channels it
 * may go out on) and list it in TEMPLATES. Callers get the data type from the schema.
 */
import type { z } from 'zod';
import type { TLocale } from '../../../domain/contracts/common';
import { TemplateDataError, UnknownTemplateError } from '../errors';
import { actionRequired } from './action-required';
import { decisionOverdue } from './decision-overdue';
import { deliveryFailed } from './delivery-failed';
import { documentRejected } from './document-rejected';
import { layout, withPixel } from './html';
import { inZone } from './format';
import { interviewAcknowledgement } from './interview-acknowledgement';
import { offerEvent } from './offer-event';
import { offerExpired } from './offer-expired';
import { offerReminder } from './offer-reminder';
import { offerSent } from './offer-sent';
import { onboardingEvent } from './onboarding-event';
import { onboardingNotice } from './onboarding-notice';
import { reassignmentRequired } from './reassignment-required';
import { rejectionFeedback } from './rejection-feedback';
import { signInLink } from './sign-in-link';
import type { TChannel, TRenderContext, TTemplateDefinition } from './types';

export const TEMPLATES = {
  interview_acknowledgement: interviewAcknowledgement,
  decision_overdue: decisionOverdue,
  action_required: actionRequired,
  delivery_failed: deliveryFailed,
  rejection_feedback: rejectionFeedback,
  offer_sent: offerSent,
  offer_reminder: offerReminder,
  offer_expired: offerExpired,
  offer_event: offerEvent,
  onboarding_notice: onboardingNotice,
  document_rejected: documentRejected,
  onboarding_event: onboardingEvent,
  sign_in_link: signInLink,
  reassignment_required: reassignmentRequired,
} as const;

export type TTemplateName = keyof typeof TEMPLATES;
/** What a caller passes as `data` for template N (the schema's input: defaults may be omitted). */
export type TTemplateData<N extends TTemplateName> = z.input<(typeof TEMPLATES)[N]['schema']>;
export const TEMPLATE_NAMES = Object.keys(TEMPLATES) as TTemplateName[];

export type { TChannel, TAudience, TRenderContext, TTemplateDefinition, TLocalizedTemplate } from './types';
export { defineTemplate } from './types';
export { STAFF_ACTIONS, type TStaffAction } from './action-required';

export function isTemplateName(name: string): name is TTemplateName {
  return Object.prototype.hasOwnProperty.call(TEMPLATES, name);
}

export function templateLabel(name: string, locale: TLocale): string {
  return isTemplateName(name) ? TEMPLATES[name].label[locale] : name;
}

export interface TRenderedEmail {
  channel: 'email';
  subject: string;
  text: string;
  /** A complete HTML document; ends with the tracking pixel when one was asked for. */
  html: string;
}

export interface TRenderedSms {
  channel: 'sms';
  text: string;
}

export type TRendered = TRenderedEmail | TRenderedSms;

export interface TRenderInput {
  template: string;
  locale: TLocale;
  channel: TChannel;
  data: unknown;
  recipientName?: string | undefined;
  /** For e-mail: the open-tracking pixel URL (signed token) to end the HTML with. */
  pixelUrl?: string | undefined;
  /** The recipient's time zone (the company's): instants are shown there. Default UTC. */
  timeZone?: string | undefined;
}

/** Subjects go into a header: one line, no control characters. */
const oneLine = (s: string) => s.replace(/[\r\n\t\v\f]+/g, ' ').trim();

/**
 * Validates the data against the template's schema and renders it. Throws
 * UnknownTemplateError or TemplateDataError (both non-retryable: retrying renders the same).
 */
export function renderMessage(input: TRenderInput): TRendered {
  if (!isTemplateName(input.template)) throw new UnknownTemplateError(`unknown template "${input.template}"`);
  // The registry's entries differ in data type; past this point the schema has vouched for it.
  const def = TEMPLATES[input.template] as unknown as TTemplateDefinition<z.ZodType>;
  if (!def.channels.includes(input.channel)) {
    throw new TemplateDataError(`template "${input.template}" cannot be sent by ${input.channel}`);
  }
  const parsed = def.schema.safeParse(input.data);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(data)'}: ${i.message}`).join('; ');
    throw new TemplateDataError(`invalid data for template "${input.template}": ${detail}`);
  }
  const data = inZone(parsed.data, input.timeZone ?? 'UTC');
  const content = def.content[input.locale];
  const ctx: TRenderContext = {
    locale: input.locale,
    recipientName: input.recipientName,
    templateLabel: (name) => templateLabel(name, input.locale),
  };
  if (input.channel === 'sms') {
    if (!content.sms)
      throw new TemplateDataError(`template "${input.template}" has no SMS text in ${input.locale}`);
    return { channel: 'sms', text: content.sms(data, ctx).trim() };
  }
  const subject = oneLine(content.subject(data, ctx));
  const doc = layout({ locale: input.locale, title: subject, body: content.html(data, ctx) }).value;
  return {
    channel: 'email',
    subject,
    text: content.text(data, ctx).trim() + '\n',
    html: input.pixelUrl ? withPixel(doc, input.pixelUrl) : doc,
  };
}
