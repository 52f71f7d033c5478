/** One job: its pipeline board and its ranking. */
import { Tabs, Typography } from 'antd';
import { useParams, useSearchParams } from 'react-router';
import { isHr, useJob, useMe } from '../../api/queries';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';
import { PipelineBoard } from './pipeline-board';
import { RankingTable } from './ranking-table';
import { QuestionCalibration } from './question-calibration';

export function JobPage() {
  const { t } = useI18n();
  const { jobId } = useParams<{ jobId: string }>();
  const job = useJob(jobId);
  const [params, setParams] = useSearchParams();
  const me = useMe().data;
  // The API's roles for question stats: admin, HR and hiring managers.
  const mayCalibrate = !!me && (isHr(me) || me.roles.includes('hiring_manager'));
  const view = params.get('view');
  const tab = view === 'ranking' || (view === 'calibration' && mayCalibrate) ? view : 'board';
  return (
    <section aria-labelledby="job-title">
      <Typography.Title level={1} id="job-title" style={{ fontSize: 24 }}>
        {job.data?.title ?? t('common.loading')}
      </Typography.Title>
      {job.error && <ErrorNote error={job.error} onRetry={() => void job.refetch()} />}
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams(k === 'board' ? {} : { view: k })}
        items={[
          { key: 'board', label: t('jobs.board'), children: <PipelineBoard jobId={jobId!} /> },
          { key: 'ranking', label: t('jobs.ranking'), children: <RankingTable jobId={jobId!} /> },
          ...(mayCalibrate ? [{ key: 'calibration', label: t('cc.calibration.tab'), children: <QuestionCalibration jobId={jobId!} /> }] : []),
        ]}
      />
    </section>
  );
}
