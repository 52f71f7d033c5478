/**
 * The approver's inbox: each offer waiting for them, with the salary against the job's
 * band and the evaluations, approved or rejected with a comment in one step.
 */
import { useState } from 'react';
import { Alert, Card, Spin, Typography } from 'antd';
import { Link } from 'react-router';
import { useApplication, useApprovals, useJob } from '../../api/queries';
import type { TApprovalItem } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { Due } from '../../shell/bits';
import { ErrorNote } from '../../shell/error-note';
import { ApprovalForm } from './approval-form';

function ApprovalCard({ item, onDecided }: { item: TApprovalItem; onDecided: (text: string) => void }) {
  const { t, tx, number, date } = useI18n();
  const application = useApplication(item.applicationId);
  const job = useJob(item.jobId);
  const a = application.data;
  const offer = a?.offer.versions.find((v) => v.version === item.version) ?? a?.offer.current;
  const band = job.data?.salaryBand;
  const salary = offer?.offer.salary;
  const over = band && salary && salary.amount > band.max;
  const titleId = `approval-${item.applicationId}`;
  return (
    <Card
      title={
        <Link to={`/applications/${item.applicationId}#approvals`} id={titleId}>
          {item.candidateName}
        </Link>
      }
      extra={t('approvals.level', { n: item.level + 1 })}
      aria-labelledby={titleId}
      role="region"
    >
      {/* An approver outside the department cannot read the application (404): the inbox shows what it has. */}
      {application.error && application.error.status !== 404 && <ErrorNote error={application.error} onRetry={() => void application.refetch()} />}
      {offer && salary && (
        <Typography.Paragraph>
          {offer.offer.position} · {t('approvals.salary')}:{' '}
          <strong className={over ? 'overdue' : undefined}>
            {number(salary.amount)} {salary.currency} {tx(`candidate.period.${salary.period}`, salary.period)}
          </strong>
          {band && (
            <>
              {' '}
              ({t('candidate.band', { min: number(band.min), max: number(band.max), currency: band.currency, period: tx(`candidate.period.${band.period}`, band.period) })})
            </>
          )}
          {' · '}
          {t('candidate.startDate')} {date(offer.offer.startDate)}
        </Typography.Paragraph>
      )}
      {a && a.evaluations.length > 0 && (
        <Typography.Paragraph>
          {t('approvals.evaluations')}:{' '}
          {a.evaluations
            .map((e) => `${e.evaluatorName} ${e.recommendation ? tx(`candidate.recommend.${e.recommendation}`, e.recommendation) : '—'}`)
            .join(' · ')}
          {a.scores.compositeScore !== null && ` · ${t('jobs.composite')} ${number(a.scores.compositeScore, 1)}`}
        </Typography.Paragraph>
      )}
      <Typography.Paragraph>
        {t('common.due')}: <Due dueAt={item.dueAt} />
      </Typography.Paragraph>
      <ApprovalForm
        applicationId={item.applicationId}
        version={item.version}
        candidateName={item.candidateName}
        onDecided={(d) => onDecided(`${t(d === 'approve' ? 'approvals.approved' : 'approvals.rejected')} ${item.candidateName}`)}
      />
    </Card>
  );
}

export function ApprovalsPage() {
  const { t } = useI18n();
  const approvals = useApprovals();
  const [done, setDone] = useState<string[]>([]);
  return (
    <section aria-labelledby="approvals-title" style={{ display: 'flex', flexDirection: 'column', gap: 16 }}>
      <Typography.Title level={1} id="approvals-title" style={{ fontSize: 24, margin: 0 }}>
        {t('approvals.title')}
      </Typography.Title>
      {done.length > 0 && <Alert type="success" role="status" title={done.join(' · ')} />}
      {approvals.error && <ErrorNote error={approvals.error} onRetry={() => void approvals.refetch()} />}
      {approvals.isPending ? (
        <Spin aria-label={t('common.loading')} />
      ) : approvals.data?.items.length === 0 ? (
        <Typography.Paragraph>{t('approvals.empty')}</Typography.Paragraph>
      ) : (
        approvals.data?.items.map((item) => <ApprovalCard key={`${item.applicationId}/${item.version}/${item.level}`} item={item} onDecided={(text) => setDone((d) => [...d, text])} />)
      )}
    </section>
  );
}
