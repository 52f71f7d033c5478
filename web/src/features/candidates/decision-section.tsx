/** The hiring decision (HR): advance to an offer or reject, with a reason. */
import { useState } from 'react';
import { Button, Card, Input, Space, Typography } from 'antd';
import { api, unwrap } from '../../api/client';
import { isHr, useApplicationAction } from '../../api/queries';
import type { TApplication, TMe } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';
import { FeedbackPreview } from './feedback-preview';

export function DecisionSection({ a, me }: { a: TApplication; me: TMe }) {
  const { t, dateTime } = useI18n();
  const [reason, setReason] = useState('');
  const decide = useApplicationAction(a.id, (decision: 'advance' | 'reject') =>
    unwrap(
      api.POST('/v1/applications/{id}/decision', {
        params: { path: { id: a.id } },
        body: { decision, ...(reason.trim() ? { reason: reason.trim() } : {}) },
      }),
    ),
  );
  const mayDecide = isHr(me) && (a.stage === 'decision' || a.stage === 'evaluation') && !a.decision;
  if (!a.decision && !mayDecide) return null;
  return (
    <Card title={t('candidate.decision')} id="decision">
      {a.decision ? (
        <Typography.Text>
          {t('candidate.decidedBy', { decision: t(`candidate.decide.${a.decision.decision}`), name: a.decision.byName })} ({dateTime(a.decision.at)})
          {a.decision.reason ? ` — ${a.decision.reason}` : ''}
        </Typography.Text>
      ) : (
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Input.TextArea aria-label={t('candidate.reason')} placeholder={t('candidate.reason')} value={reason} onChange={(e) => setReason(e.target.value)} autoSize />
          {decide.error && <ErrorNote error={decide.error} onRetry={() => decide.variables && decide.mutate(decide.variables)} />}
          <Space wrap>
            <Button type="primary" loading={decide.isPending && decide.variables === 'advance'} onClick={() => decide.mutate('advance')}>
              {t('candidate.decide.advance')}
            </Button>
            <Button danger loading={decide.isPending && decide.variables === 'reject'} onClick={() => decide.mutate('reject')}>
              {t('candidate.decide.reject')}
            </Button>
          </Space>
          <FeedbackPreview a={a} />
        </Space>
      )}
    </Card>
  );
}
