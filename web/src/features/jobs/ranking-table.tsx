/**
 * The job's ranking as the API orders it (composite score once there is one, match score
 * before), a page at a time with the API's cursor; columns sort within the page.
 */
import { useState } from 'react';
import { Button, Checkbox, Space, Table } from 'antd';
import { Link } from 'react-router';
import { useRanking } from '../../api/queries';
import type { TRankingItem } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { StageTag } from '../../shell/bits';
import { ErrorNote } from '../../shell/error-note';

const PAGE = 20;

export function RankingTable({ jobId }: { jobId: string }) {
  const { t, number } = useI18n();
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const [includeClosed, setIncludeClosed] = useState(false);
  const page = cursors.length - 1;
  const ranking = useRanking(jobId, cursors[page], includeClosed, PAGE);
  const score = (v: number | null) => (v === null ? '—' : number(v, 1));
  const by = (k: keyof TRankingItem) => (a: TRankingItem, b: TRankingItem) => ((a[k] as number | null) ?? -1) - ((b[k] as number | null) ?? -1);

  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Checkbox
        checked={includeClosed}
        onChange={(e) => {
          setIncludeClosed(e.target.checked);
          setCursors([undefined]);
        }}
      >
        {t('jobs.includeClosed')}
      </Checkbox>
      {ranking.error && <ErrorNote error={ranking.error} onRetry={() => void ranking.refetch()} />}
      <Table<TRankingItem>
        rowKey="id"
        loading={ranking.isPending}
        dataSource={ranking.data?.items}
        pagination={false}
        scroll={{ x: 'max-content' }}
        columns={[
          { title: t('jobs.rank'), render: (_, __, i) => page * PAGE + i + 1 },
          { title: t('common.candidate'), dataIndex: 'candidateName', render: (name: string, r) => <Link to={`/applications/${r.id}`}>{name}</Link> },
          { title: t('common.stage'), dataIndex: 'stage', render: (s: TRankingItem['stage']) => <StageTag stage={s} /> },
          { title: t('jobs.match'), dataIndex: 'matchScore', render: score, sorter: by('matchScore') },
          { title: t('jobs.ai'), dataIndex: 'aiScore', render: score, sorter: by('aiScore') },
          { title: t('jobs.human'), dataIndex: 'humanScore', render: score, sorter: by('humanScore') },
          { title: t('jobs.composite'), dataIndex: 'compositeScore', render: score, sorter: by('compositeScore') },
        ]}
      />
      <Space>
        <Button disabled={page === 0} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('common.previous')}
        </Button>
        <span>{t('common.page', { n: page + 1 })}</span>
        <Button disabled={!ranking.data?.nextCursor} onClick={() => setCursors((c) => [...c, ranking.data!.nextCursor!])}>
          {t('common.next')}
        </Button>
      </Space>
    </Space>
  );
}
