/** Small pieces every screen uses: a stage, a due date (red when overdue), who owes an action. */
import { Tag } from 'antd';
import { useMe, useUsers, isHr } from '../api/queries';
import type { TPendingAction, TStage } from '../api/responses';
import { useI18n } from '../i18n/i18n';

/** Solid, dark colours: white text on them passes WCAG AA. */
const STAGE_COLOURS: Partial<Record<TStage, string>> = {
  discrepancy_review: '#9a3412',
  screening: '#475569',
  evaluation: '#1e40af',
  decision: '#3730a3',
  offer_drafting: '#6b21a8',
  offer_approval: '#6b21a8',
  offer_sent: '#155e75',
  offer_viewed: '#155e75',
  accepted: '#166534',
  onboarding: '#166534',
  hired: '#166534',
  rejected: '#4b5563',
  withdrawn: '#4b5563',
};

export function StageTag({ stage }: { stage: TStage }) {
  const { tx } = useI18n();
  return <Tag color={STAGE_COLOURS[stage] ?? '#475569'}>{tx(`stage.${stage}`, stage)}</Tag>;
}

export function Due({ dueAt, overdue }: { dueAt: string | null; overdue?: boolean }) {
  const { t, dateTime } = useI18n();
  if (!dueAt) return <span>{t('common.noDue')}</span>;
  const late = overdue ?? Date.parse(dueAt) < Date.now();
  return late ? (
    <span className="overdue">
      {dateTime(dueAt)} · {t('common.overdue')}
    </span>
  ) : (
    <span>{dateTime(dueAt)}</span>
  );
}

/** A pending action in words: "Evaluate", "Onboarding task: computer". */
export function useActionText() {
  const { t, tx } = useI18n();
  return (action: string) => {
    const [kind, key] = action.split(':');
    if (key && (kind === 'task' || kind === 'course' || kind === 'course_failed')) return t(`action.${kind}`, { key });
    return tx(`action.${action}`, action);
  };
}

/** Who owes an action: a role's name, "you", or a person's name (when the caller may list users). */
export function useWho() {
  const { t, tx } = useI18n();
  const me = useMe().data;
  const users = useUsers(!!me && isHr(me)).data?.items;
  return (actor: TPendingAction['actor']) => {
    if (me && actor === me.userId) return t('common.you');
    const role = tx(`role.${actor}`, '');
    if (role) return role;
    return users?.find((u) => u.id === actor)?.name ?? actor.slice(0, 8);
  };
}
