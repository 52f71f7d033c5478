import type { z } from 'zod';
import type { TLocale } from '../../../domain/contracts/common';
import type { SafeHtml } from './html';

export type TChannel = 'email' | 'sms';
export type TAudience = 'candidate' | 'staff';

export interface TRenderContext {
  locale: TLocale;
  /** The recipient's display name, for a greeting. */
  recipientName?: string | undefined;
  /** The human name of a template in this locale (e.g. for "the message X could not be delivered"). */
  templateLabel(name: string): string;
}

/** One language of a template. `markup` returns the body; the renderer adds the document and pixel. */
export interface TLocalizedTemplate<D> {
  subject(data: D, ctx: TRenderContext): string;
  text(data: D, ctx: TRenderContext): string;
  html(data: D, ctx: TRenderContext): SafeHtml;
  /** Required when the template lists the 'sms' channel. */
  sms?(data: D, ctx: TRenderContext): string;
}

export interface TTemplateDefinition<S extends z.ZodType> {
  audience: TAudience;
  channels: readonly TChannel[];
  /** What the message is, for people ("Interview acknowledgement"). */
  label: Record<TLocale, string>;
  /** Validates the data at render time; its input type is what callers must pass. */
  schema: S;
  content: Record<TLocale, TLocalizedTemplate<z.output<S>>>;
}

/** Identity, for inference: `defineTemplate({ schema, content: { en, 'zh-CN' } })`. */
export const defineTemplate = <S extends z.ZodType>(def: TTemplateDefinition<S>): TTemplateDefinition<S> =>
  def;
