/** Every job with how many candidates it has and how many are still in progress. */
import { Table, Typography } from 'antd';
import { Link } from 'react-router';
import { canList, useApplications, useJobs, useMe } from '../../api/queries';
import type { TApplicationListItem } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';

const CLOSED = new Set(['rejected', 'withdrawn', 'hired', 'declined', 'expired']);

export function JobsPage() {
  const { t, date } = useI18n();
  const me = useMe().data!;
  const jobs = useJobs();
  const apps = useApplications({}, canList(me));
  const byJob = new Map<string, TApplicationListItem[]>();
  for (const a of apps.data?.items ?? []) byJob.set(a.jobId, [...(byJob.get(a.jobId) ?? []), a]);

  return (
    <section aria-labelledby="jobs-title">
      <Typography.Title level={1} id="jobs-title" style={{ fontSize: 24 }}>
        {t('jobs.title')}
      </Typography.Title>
      {jobs.error && <ErrorNote error={jobs.error} onRetry={() => void jobs.refetch()} />}
      <Table
        rowKey="id"
        loading={jobs.isPending}
        dataSource={jobs.data?.items}
        pagination={false}
        scroll={{ x: 'max-content' }}
        locale={{ emptyText: t('jobs.empty') }}
        columns={[
          { title: t('jobs.job'), dataIndex: 'title', render: (title: string, j) => <Link to={`/jobs/${j.id}`}>{title}</Link> },
          { title: t('jobs.candidates'), render: (_, j) => byJob.get(j.id)?.length ?? 0 },
          { title: t('jobs.active'), render: (_, j) => byJob.get(j.id)?.filter((a) => !CLOSED.has(a.stage)).length ?? 0 },
          { title: t('jobs.created'), dataIndex: 'createdAt', render: (d: string) => date(d) },
        ]}
      />
    </section>
  );
}
