/**
 * A column per stage with its count; each card shows the candidate, the composite (else
 * match) score, days in the stage, who owes the next step and whether it is overdue.
 * Who owes what comes from each application's status (the list has only the stage).
 */
import { useQueries } from '@tanstack/react-query';
import { Badge, Card, Spin, Tag } from 'antd';
import { Link } from 'react-router';
import { applicationQuery, useApplications } from '../../api/queries';
import type { TApplicationListItem, TStage } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { StageTag, useWho } from '../../shell/bits';
import { ErrorNote } from '../../shell/error-note';
import './pipeline-board.css';

export const BOARD_STAGES: TStage[] = [
  'discrepancy_review',
  'screening',
  'evaluation',
  'decision',
  'offer_drafting',
  'offer_approval',
  'offer_sent',
  'offer_viewed',
  'onboarding',
  'hired',
  'rejected',
  'withdrawn',
];
const EARLY = new Set<TStage>(['received', 'validating', 'screening']);
const columnOf = (s: TStage): TStage => (EARLY.has(s) ? 'screening' : s === 'accepted' ? 'onboarding' : s === 'declined' || s === 'expired' ? 'withdrawn' : s);

function BoardCard({ item }: { item: TApplicationListItem }) {
  const { t, number } = useI18n();
  const who = useWho();
  const [status] = useQueries({ queries: [applicationQuery(item.id)] });
  const st = status?.data;
  const entered = st?.timeline.filter((e) => e.type === 'stage_changed' && e.detail?.to === st.stage).at(-1)?.at ?? item.updatedAt;
  const days = Math.max(0, Math.floor((Date.now() - Date.parse(entered)) / 86_400_000));
  const next = st?.pendingActions[0];
  const overdue = st?.pendingActions.some((p) => p.overdue) ?? false;
  const score = item.compositeScore ?? item.matchScore;
  return (
    <Card size="small" className={overdue ? 'board-card board-card-overdue' : 'board-card'}>
      <Link to={`/applications/${item.id}`} className="board-card-name">
        {item.candidateName}
      </Link>
      <div className="board-card-meta">
        {score !== null && (
          <span>
            {t('common.score')}: {number(score, 1)}
          </span>
        )}
        <span>{t('jobs.inStage', { n: days })}</span>
      </div>
      <div className="board-card-meta">
        {next ? <span>{t('jobs.owes', { who: who(next.actor) })}</span> : st && <span>{t('jobs.nobodyOwes')}</span>}
        {overdue && <Tag color="#b91c1c">{t('common.overdue')}</Tag>}
      </div>
    </Card>
  );
}

export function PipelineBoard({ jobId }: { jobId: string }) {
  const { t } = useI18n();
  const list = useApplications({ jobId });
  if (list.error) return <ErrorNote error={list.error} onRetry={() => void list.refetch()} />;
  if (list.isPending) return <Spin aria-label={t('common.loading')} />;
  const byStage = new Map<TStage, TApplicationListItem[]>();
  for (const a of list.data.items) byStage.set(columnOf(a.stage), [...(byStage.get(columnOf(a.stage)) ?? []), a]);
  return (
    <div className="board" role="list" aria-label={t('jobs.board')}>
      {BOARD_STAGES.map((stage) => {
        const items = byStage.get(stage) ?? [];
        return (
          <section key={stage} className="board-column" role="listitem" aria-label={`${t(`stage.${stage}`)} (${items.length})`}>
            <h2 className="board-column-title">
              <StageTag stage={stage} />
              <Badge count={items.length} showZero color="#4b5563" />
            </h2>
            {items.length === 0 ? (
              <span className="board-column-empty">{t('jobs.emptyStage')}</span>
            ) : (
              items.map((a) => <BoardCard key={a.id} item={a} />)
            )}
          </section>
        );
      })}
    </div>
  );
}
