/** What a person owes, computed from the applications' own pending actions. */
import { useQueries } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { POLL_MS } from '../../api/queries';
import type { TApplication, TApplicationListItem, TMe, TPage, TStage } from '../../api/responses';

/** The stages in which staff owe something (offer_sent and offer_viewed wait for the candidate). */
export const STAGES_WITH_STAFF_ACTIONS: TStage[] = ['discrepancy_review', 'evaluation', 'decision', 'offer_drafting', 'offer_approval', 'onboarding', 'probation'];

export function useOwnedApplicationIds(me: TMe, enabled: boolean) {
  const lists = useQueries({
    queries: STAGES_WITH_STAFF_ACTIONS.map((stage) => ({
      queryKey: ['applications', { stage, limit: 200 }],
      queryFn: () => unwrap<TPage<TApplicationListItem>>(api.GET('/v1/applications', { params: { query: { stage, limit: 200 } } })),
      enabled,
      refetchInterval: POLL_MS,
    })),
  });
  return {
    ids: lists.flatMap((l) => l.data?.items.map((a) => a.id) ?? []),
    loading: enabled && lists.some((l) => l.isPending),
    error: lists.find((l) => l.error)?.error ?? null,
    me,
  };
}

export interface TOwed {
  applicationId: string;
  candidateName: string;
  stage: TStage;
  action: string;
  actor: string;
  since: string;
  dueAt: string | null;
  overdue: boolean;
  href: string;
}

/** Where on the candidate page each action is done. */
export function anchorFor(action: string): string {
  if (action === 'resolve_discrepancies') return 'discrepancies';
  if (action === 'submit_evaluation') return 'evaluation';
  if (action === 'record_decision') return 'decision';
  if (action === 'approve_offer') return 'approvals';
  if (action.startsWith('task:') || action.startsWith('course')) return 'onboarding';
  if (action.startsWith('probation_')) return 'probation';
  return 'offer';
}

function since(a: TApplication, action: string): string {
  if (action === 'approve_offer') {
    const level = a.offer.current?.levels.find((l) => l.status === 'pending');
    if (level?.startedAt) return level.startedAt;
  }
  const entered = a.timeline.filter((e) => e.type === 'stage_changed' && e.detail?.to === a.stage).at(-1);
  return entered?.at ?? a.receivedAt;
}

export function owedBy(me: TMe, applications: TApplication[]): TOwed[] {
  const mine = (actor: string) => actor === me.userId || (me.roles as string[]).includes(actor);
  const out: TOwed[] = [];
  for (const a of applications) {
    for (const p of a.pendingActions) {
      if (!mine(p.actor)) continue;
      out.push({
        applicationId: a.id,
        candidateName: a.candidate.name,
        stage: a.stage,
        action: p.action,
        actor: p.actor,
        since: since(a, p.action),
        dueAt: p.dueAt,
        overdue: p.overdue,
        href: `/applications/${a.id}#${anchorFor(p.action)}`,
      });
    }
  }
  // Overdue first, then the soonest due, then the oldest.
  return out.sort(
    (x, y) =>
      Number(y.overdue) - Number(x.overdue) ||
      (x.dueAt ?? '9999').localeCompare(y.dueAt ?? '9999') ||
      x.since.localeCompare(y.since),
  );
}
