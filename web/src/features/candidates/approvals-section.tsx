/** The current offer's approval levels (who, status, when, comments), with approve/reject for a pending approver. */
import { Card, List, Tag, Typography } from 'antd';
import { isHr } from '../../api/queries';
import type { TApplication, TMe } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { Due, useWho } from '../../shell/bits';
import { ApprovalForm } from '../approvals/approval-form';
import { DelegateForm } from '../approvals/delegate-form';

const LEVEL_COLOURS = { waiting: 'default', pending: '#92400e', approved: '#166534', rejected: '#b91c1c', cancelled: 'default' } as const;

export function ApprovalsSection({ a, me }: { a: TApplication; me: TMe }) {
  const { t, dateTime } = useI18n();
  const who = useWho();
  const current = a.offer.current;
  if (!current || current.levels.length === 0) return null;
  const pendingIndex = current.levels.findIndex((l) => l.status === 'pending');
  const pending = current.levels[pendingIndex];
  const decidedHere = current.decisions.some((d) => d.level === pendingIndex && d.userId === me.userId);
  const mayDecide = a.stage === 'offer_approval' && !!pending && pending.approvers.includes(me.userId) && !decidedHere;
  const undecided = pending ? pending.approvers.filter((id) => !current.decisions.some((d) => d.level === pendingIndex && d.userId === id)) : [];
  const mayDelegate = a.stage === 'offer_approval' && isHr(me) && undecided.length > 0;
  return (
    <Card title={t('candidate.approvals')} id="approvals">
      <List
        size="small"
        dataSource={current.levels.map((l, i) => ({ l, i }))}
        renderItem={({ l, i }) => (
          <List.Item>
            <div style={{ width: '100%' }}>
              <span className="candidate-row">
                <Typography.Text strong>{t('candidate.level', { n: i + 1 })}</Typography.Text>
                <Tag color={LEVEL_COLOURS[l.status]}>{t(`candidate.levelStatus.${l.status}`)}</Tag>
                <span>{l.approvers.map(who).join(', ')}</span>
                {l.status === 'pending' && <Due dueAt={l.dueAt} />}
              </span>
              {current.decisions
                .filter((d) => d.level === i)
                .map((d) => (
                  <div key={`${d.userId}-${d.at}`}>
                    {t('candidate.decided', { decision: t(d.decision === 'approve' ? 'candidate.approve' : 'candidate.reject'), name: d.userName })} · {dateTime(d.at)}
                    {d.comment ? ` — ${d.comment}` : ''}
                  </div>
                ))}
            </div>
          </List.Item>
        )}
      />
      {mayDecide && <ApprovalForm applicationId={a.id} version={current.version} candidateName={a.candidate.name} />}
      {mayDelegate && <DelegateForm key={undecided.join()} applicationId={a.id} undecided={undecided} />}
    </Card>
  );
}
