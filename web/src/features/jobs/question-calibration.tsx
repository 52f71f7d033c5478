/**
 * The job's interview-question calibration (GET /v1/jobs/:id/question-stats): for each
 * question, how often candidates fail it, how often those who claim the skill at expert or
 * proficient level fail it against their failure rate on the job's other questions, and
 * the questions the API flags as miscalibrated. The bars compare the two rates.
 */
import { Alert, Table, Tag, Typography } from 'antd';
import { useQuery } from '@tanstack/react-query';
import { api, unwrap } from '../../api/client';
import { POLL_MS } from '../../api/queries';
import type { TQuestionStat } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';
import './question-calibration.css';

interface TQuestionStats {
  rule: { minClaimers: number; minFailRate: number; minExcess: number };
  flagged: TQuestionStat[];
  questions: TQuestionStat[];
}

function RateBar({ value, label }: { value: number | null; label: string }) {
  if (value === null) return <span>—</span>;
  const pct = Math.round(value * 100);
  return (
    <span className="rate">
      <span className="rate-track" aria-hidden="true">
        <span className="rate-fill" style={{ width: `${pct}%` }} />
      </span>
      <span>{`${pct}%`}</span>
      <span className="visually-hidden">{label}</span>
    </span>
  );
}

export function QuestionCalibration({ jobId }: { jobId: string }) {
  const { t } = useI18n();
  const stats = useQuery({
    queryKey: ['question-stats', jobId],
    queryFn: () => unwrap<TQuestionStats>(api.GET('/v1/jobs/{id}/question-stats', { params: { path: { id: jobId } } })),
    refetchInterval: POLL_MS,
  });
  if (stats.error) return <ErrorNote error={stats.error} onRetry={() => void stats.refetch()} />;
  const rule = stats.data?.rule;
  return (
    <section aria-labelledby="calibration-title">
      <Typography.Title level={2} id="calibration-title" style={{ fontSize: 18 }}>
        {t('cc.calibration.title')}
      </Typography.Title>
      {rule && (
        <Typography.Paragraph type="secondary">
          {t('cc.calibration.rule', { claimers: rule.minClaimers, failRate: Math.round(rule.minFailRate * 100), excess: Math.round(rule.minExcess * 100) })}
        </Typography.Paragraph>
      )}
      {stats.data && (
        <Alert
          type={stats.data.flagged.length ? 'warning' : 'success'}
          showIcon
          title={stats.data.flagged.length ? t('cc.calibration.flaggedCount', { n: stats.data.flagged.length }) : t('cc.calibration.noneFlagged')}
          style={{ marginBottom: 12 }}
        />
      )}
      <Table<TQuestionStat>
        rowKey="questionId"
        loading={stats.isPending}
        dataSource={stats.data?.questions}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: <Typography.Text type="secondary">{t('cc.calibration.empty')}</Typography.Text> }}
        aria-label={t('cc.calibration.title')}
        columns={[
          { title: t('cc.calibration.question'), dataIndex: 'questionId' },
          { title: t('cc.calibration.skill'), dataIndex: 'skill' },
          { title: t('cc.calibration.answered'), dataIndex: 'answered', sorter: (a, b) => a.answered - b.answered },
          {
            title: t('cc.calibration.failRate'),
            dataIndex: 'failRate',
            render: (v: number | null) => <RateBar value={v} label={t('cc.calibration.failRate')} />,
            sorter: (a, b) => (a.failRate ?? -1) - (b.failRate ?? -1),
          },
          { title: t('cc.calibration.claimers'), render: (_, r) => `${r.claimersFailed} / ${r.claimers}` },
          {
            title: t('cc.calibration.claimerFailRate'),
            dataIndex: 'claimerFailRate',
            render: (v: number | null) => <RateBar value={v} label={t('cc.calibration.claimerFailRate')} />,
            sorter: (a, b) => (a.claimerFailRate ?? -1) - (b.claimerFailRate ?? -1),
            defaultSortOrder: 'descend',
          },
          {
            title: t('cc.calibration.baseline'),
            dataIndex: 'baselineFailRate',
            render: (v: number | null) => <RateBar value={v} label={t('cc.calibration.baseline')} />,
          },
          {
            title: t('cc.calibration.flag'),
            dataIndex: 'flagged',
            render: (flagged: boolean) => (flagged ? <Tag color="#b91c1c">{t('cc.calibration.flagged')}</Tag> : <span>{t('cc.calibration.ok')}</span>),
          },
        ]}
      />
    </section>
  );
}
