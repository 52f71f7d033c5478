import { useState } from 'react';
import { Button, Card, Descriptions, Input, List, Space } from 'antd';
import { api, unwrap } from '../../api/client';
import { isHr, useApplicationAction } from '../../api/queries';
import type { TApplication, TMe } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { Due, useActionText, useWho } from '../../shell/bits';
import { ErrorNote } from '../../shell/error-note';

const ENDED = new Set(['rejected', 'withdrawn', 'hired', 'declined', 'expired']);

export function ProfileSection({ a, me }: { a: TApplication; me: TMe }) {
  const { t, dateTime, number } = useI18n();
  const who = useWho();
  const actionText = useActionText();
  const [reason, setReason] = useState('');
  const withdraw = useApplicationAction(a.id, (r: string) =>
    unwrap(api.POST('/v1/applications/{id}/withdraw', { params: { path: { id: a.id } }, body: { reason: r } })),
  );
  const canWithdraw = isHr(me) && !ENDED.has(a.stage);
  return (
    <Card title={t('candidate.profile')} id="profile">
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2, lg: 3 }}
        items={[
          { key: 'email', label: t('candidate.email'), children: a.candidate.email },
          { key: 'phone', label: t('candidate.phone'), children: a.candidate.phone ?? '—' },
          { key: 'lang', label: t('candidate.language'), children: a.candidate.locale },
          { key: 'received', label: t('candidate.received'), children: dateTime(a.receivedAt) },
          {
            key: 'accuracy',
            label: t('candidate.interviewAccuracy'),
            children: a.interview.accuracy === null ? '—' : `${number(a.interview.accuracy * 100)} %`,
          },
        ]}
      />
      {a.pendingActions.length > 0 && (
        <List
          size="small"
          header={t('candidate.pending')}
          dataSource={a.pendingActions}
          renderItem={(p) => (
            <List.Item>
              <span className="candidate-row">
                <span>{actionText(p.action)}</span>
                <span>{who(p.actor)}</span>
                <Due dueAt={p.dueAt} overdue={p.overdue} />
              </span>
            </List.Item>
          )}
        />
      )}
      {a.withdrawal && <p>{t('candidate.withdrawn', { reason: a.withdrawal.reason })}</p>}
      {canWithdraw && (
        <Space.Compact style={{ width: '100%', maxWidth: 560, marginTop: 12 }}>
          <Input aria-label={t('candidate.withdrawReason')} placeholder={t('candidate.withdrawReason')} value={reason} onChange={(e) => setReason(e.target.value)} />
          <Button danger disabled={!reason.trim()} loading={withdraw.isPending} onClick={() => withdraw.mutate(reason.trim())}>
            {t('candidate.withdraw')}
          </Button>
        </Space.Compact>
      )}
      {withdraw.error && <ErrorNote error={withdraw.error} onRetry={() => withdraw.mutate(reason.trim())} />}
    </Card>
  );
}
