/**
 * Everything the signed-in person owes, from every workflow: the pending actions of the
 * applications they can see (discrepancy reviews, evaluations, decisions, offer drafts,
 * onboarding tasks) and their offer approvals. Each links to where it is done.
 */
import { useQueries } from '@tanstack/react-query';
import { List, Spin, Typography } from 'antd';
import { Link } from 'react-router';
import { applicationQuery, canList, useApprovals, useAssignments, useMe } from '../../api/queries';
import { useI18n } from '../../i18n/i18n';
import { Due, StageTag, useActionText } from '../../shell/bits';
import { ErrorNote } from '../../shell/error-note';
import { owedBy, useOwnedApplicationIds } from './owed';

export function MyWorkPage() {
  const { t, dateTime } = useI18n();
  const me = useMe().data!;
  const approvals = useApprovals();
  // Approvers, IT and mentors are named on applications they cannot list (another department's).
  const assignments = useAssignments();
  const listed = useOwnedApplicationIds(me, canList(me));
  const ids = [
    ...new Set([
      ...(approvals.data?.items.map((a) => a.applicationId) ?? []),
      ...(assignments.data?.items.map((a) => a.applicationId) ?? []),
      ...listed.ids,
    ]),
  ];
  const statuses = useQueries({ queries: ids.map((id) => applicationQuery(id)) });
  const actionText = useActionText();

  const items = owedBy(
    me,
    statuses.flatMap((q) => (q.data ? [q.data] : [])),
  );
  const loading = approvals.isPending || assignments.isPending || listed.loading || statuses.some((q) => q.isPending);
  const error = approvals.error ?? assignments.error ?? listed.error;

  return (
    <section aria-labelledby="my-work-title">
      <Typography.Title level={1} id="my-work-title" style={{ fontSize: 24 }}>
        {t('myWork.title')}
      </Typography.Title>
      <Typography.Paragraph type="secondary">
        {t('myWork.count', { n: items.length })} · {t('common.refreshing')}
      </Typography.Paragraph>
      {error && <ErrorNote error={error} onRetry={() => void approvals.refetch()} />}
      {loading && items.length === 0 ? (
        <Spin aria-label={t('common.loading')} />
      ) : (
        <List
          aria-label={t('myWork.title')}
          bordered
          style={{ background: '#fff' }}
          locale={{ emptyText: t('myWork.empty') }}
          dataSource={items}
          rowKey={(i) => `${i.applicationId}/${i.action}/${i.actor}`}
          renderItem={(i) => (
            <List.Item>
              <List.Item.Meta
                title={
                  <Link to={i.href}>
                    {actionText(i.action)} · {i.candidateName}
                  </Link>
                }
                description={
                  <span className="my-work-meta">
                    <StageTag stage={i.stage} />
                    <span>
                      {t('common.since')}: {dateTime(i.since)}
                    </span>
                    <span>
                      {t('common.due')}: <Due dueAt={i.dueAt} overdue={i.overdue} />
                    </span>
                  </span>
                }
              />
            </List.Item>
          )}
        />
      )}
    </section>
  );
}
