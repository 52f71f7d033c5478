/**
 * The audit log (admins): who did what, newest first, filtered by actor, action and a date
 * range, a page at a time by the API's cursor. The filters apply when "Filter" is pressed.
 */
import { useId, useState } from 'react';
import { Button, Form, Input, Space, Table, Typography } from 'antd';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';
import { useAudit, type TAuditEntry, type TAuditFilters } from './admin-api';
import { apiIssues, useFieldStatus } from './issues';
import { ScrollTable, ScreenTitle, UserSelect } from './shared';

/** A date typed in the browser as the start of that day, in the browser's time zone. */
const dayStart = (d: string) => new Date(`${d}T00:00:00`).toISOString();
const nextDayStart = (d: string) => new Date(new Date(`${d}T00:00:00`).getTime() + 86_400_000).toISOString();

export function AuditPage() {
  const { t, dateTime, number } = useI18n();
  const ids = { actor: useId(), action: useId(), from: useId(), to: useId() };
  const [actorId, setActor] = useState('');
  const [action, setAction] = useState('');
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [filters, setFilters] = useState<TAuditFilters>({});
  const [cursors, setCursors] = useState<string[]>([]);
  const audit = useAudit(filters, cursors[cursors.length - 1]);
  // The API names its query fields querystring.<name>; shown on the field they concern.
  const status = useFieldStatus(
    apiIssues(audit.error).concat(
      audit.error?.details.filter((d) => d.path?.startsWith('querystring.')).map((d) => ({ path: d.path!.slice(12), message: d.message })) ?? [],
    ),
  );
  const apply = () => {
    setCursors([]);
    setFilters({
      ...(actorId ? { actorId } : {}),
      ...(action.trim() ? { action: action.trim() } : {}),
      ...(from ? { since: dayStart(from) } : {}),
      ...(to ? { until: nextDayStart(to) } : {}),
    });
  };
  const page = cursors.length + 1;
  return (
    <>
      <ScreenTitle>{t('admin.nav.audit')}</ScreenTitle>
      <Form layout="vertical" onFinish={apply} aria-label={t('admin.audit.filters')}>
        <div className="admin-row">
          <Form.Item label={t('admin.audit.actor')} htmlFor={ids.actor} {...status('actorId')}>
            <UserSelect id={ids.actor} value={actorId} onChange={setActor} empty={t('admin.audit.anyone')} />
          </Form.Item>
          <Form.Item label={t('admin.audit.action')} htmlFor={ids.action} extra={t('admin.audit.actionHint')} {...status('action')}>
            <Input id={ids.action} value={action} onChange={(e) => setAction(e.target.value)} autoComplete="off" />
          </Form.Item>
          <Form.Item label={t('admin.audit.from')} htmlFor={ids.from} {...status('since')}>
            <Input id={ids.from} type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          </Form.Item>
          <Form.Item label={t('admin.audit.to')} htmlFor={ids.to} {...status('until')}>
            <Input id={ids.to} type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          </Form.Item>
        </div>
        <Button type="primary" htmlType="submit">
          {t('admin.audit.filter')}
        </Button>
      </Form>
      {audit.error && <ErrorNote error={audit.error} onRetry={() => void audit.refetch()} />}
      <ScrollTable label={t('admin.nav.audit')}>
        <Table<TAuditEntry>
          size="small"
          rowKey="id"
          loading={audit.isFetching}
          dataSource={audit.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: t('admin.audit.empty') }}
          columns={[
            { key: 'at', title: t('admin.audit.at'), render: (_, e) => dateTime(e.at) },
            { key: 'actor', title: t('admin.audit.actor'), render: (_, e) => e.actorName ?? e.actorType },
            { key: 'action', title: t('admin.audit.action'), render: (_, e) => <code>{e.action}</code> },
            { key: 'target', title: t('admin.audit.target'), render: (_, e) => (e.targetType ? `${e.targetType} ${e.targetId?.slice(0, 8) ?? ''}` : '—') },
            { key: 'status', title: t('admin.audit.status'), render: (_, e) => e.status ?? '—' },
          ]}
        />
      </ScrollTable>
      <Space wrap>
        <Button disabled={!cursors.length} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('common.previous')}
        </Button>
        <Typography.Text>{t('common.page', { n: number(page) })}</Typography.Text>
        <Button disabled={!audit.data?.nextCursor} onClick={() => audit.data?.nextCursor && setCursors((c) => [...c, audit.data.nextCursor!])}>
          {t('common.next')}
        </Button>
      </Space>
    </>
  );
}
