import { and, arrayContains, asc, eq, inArray, or, type SQL } from 'drizzle-orm';
import { users } from '../../db/schema/users';
import type { ActivityDeps } from '../deps';
import { autoFill, loadApplicationContext, loadDefaultLocale, type TApplicationContext } from './context';
import { MessageInFlightError, NotificationInputError, TemporaryDeliveryError } from './errors';
import { messageKey } from './keys';
import { staffLinkFor } from './console-links';
import type { TNotifyStaffInput, TNotifyStaffResult, TSendMessageInput, TSendResult } from './types';

/**
 * One e-mail per staff member, each with its own key (`${keyPrefix}:${userId}`), so a
 * retry re-sends only to those who did not get it. Every recipient is tried before a
 * temporary failure is thrown, so one slow mailbox does not hold up the others.
 */
export function createNotifyStaff(
  { db, log, config }: ActivityDeps,
  sendMessage: (input: TSendMessageInput) => Promise<TSendResult>,
) {
  return async function notifyStaff(input: TNotifyStaffInput): Promise<TNotifyStaffResult> {
    if (!input.role && !input.userIds)
      throw new NotificationInputError('notifyStaff needs a role or user ids');
    if (!input.keyPrefix && !input.applicationId) {
      throw new NotificationInputError('notifyStaff needs a keyPrefix when there is no application');
    }
    const ctx: TApplicationContext | null = input.applicationId
      ? await loadApplicationContext(db, input.applicationId)
      : null;
    // Keys always start with the workflow id when there is one: a prefix such as
    // 'decision-overdue' names the purpose, not the application.
    const keyPrefix = ctx
      ? messageKey(ctx.workflowId, input.keyPrefix ?? input.purpose, input.version ?? 1, 'email')
      : input.keyPrefix!;
    const locale = input.locale ?? ctx?.defaultLocale ?? (await loadDefaultLocale(db));
    const data: Record<string, unknown> = { ...(ctx ? autoFill(ctx) : {}), ...input.data };
    // The deep link to the console page where the action is done.
    const link = staffLinkFor(config.publicUrl, input.template, input.applicationId, data);
    if (link) data.link = link;

    const selectors: SQL[] = [];
    if (input.role) {
      // A deactivated user no longer hears for their role (HR was told what they owed).
      const hasRole = and(arrayContains(users.roles, [input.role]), eq(users.active, true))!;
      // A department narrows the role (e.g. the hiring managers of the job's department).
      selectors.push(input.departmentId ? and(hasRole, eq(users.departmentId, input.departmentId))! : hasRole);
    }
    if (input.userIds?.length) selectors.push(inArray(users.id, input.userIds));
    const people = selectors.length
      ? await db.db
          .select({ id: users.id, name: users.name, email: users.email })
          .from(users)
          .where(or(...selectors))
          .orderBy(asc(users.id))
      : [];
    const found = new Set(people.map((p) => p.id));
    const missingUserIds = (input.userIds ?? []).filter((id) => !found.has(id));
    if (people.length === 0) {
      log.warn({ keyPrefix, role: input.role, template: input.template }, 'no staff to notify');
    }

    const summary: TNotifyStaffResult = {
      recipients: people.length,
      sent: 0,
      failed: 0,
      rendered: 0,
      results: [],
      missingUserIds,
    };
    let retryable: Error | undefined;
    for (const person of people) {
      try {
        const result = await sendMessage({
          key: `${keyPrefix}:${person.id}`,
          applicationId: input.applicationId,
          channel: 'email',
          template: input.template,
          purpose: input.purpose,
          locale,
          to: { address: person.email, name: person.name, kind: 'staff', userId: person.id },
          // the template's schema checks the merged data when it renders
          data,
        } as TSendMessageInput);
        summary.results.push({ userId: person.id, ...result });
        if (result.status === 'failed') summary.failed += 1;
        else if (result.status === 'rendered') summary.rendered += 1;
        else summary.sent += 1;
      } catch (err) {
        if (err instanceof TemporaryDeliveryError || err instanceof MessageInFlightError) retryable ??= err;
        else throw err;
      }
    }
    if (retryable) throw retryable;
    return summary;
  };
}
