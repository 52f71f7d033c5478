/** Approve or reject an offer version with a comment, in one step. */
import { useState } from 'react';
import { Alert, Button, Input, Space } from 'antd';
import { api, unwrap } from '../../api/client';
import { useApplicationAction } from '../../api/queries';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';

type TDecision = 'approve' | 'reject';

export function ApprovalForm({
  applicationId,
  version,
  candidateName,
  onDecided,
}: {
  applicationId: string;
  version: number;
  candidateName: string;
  /** Told before the lists refresh (the inbox drops the item, so it shows the result itself). */
  onDecided?: (decision: TDecision) => void;
}) {
  const { t } = useI18n();
  const [comment, setComment] = useState('');
  const decide = useApplicationAction(applicationId, async (decision: TDecision) => {
    await unwrap(
      api.POST('/v1/applications/{id}/offer/approvals', {
        params: { path: { id: applicationId } },
        body: { decision, version, ...(comment.trim() ? { comment: comment.trim() } : {}) },
      }),
    );
    onDecided?.(decision);
  });
  if (decide.isSuccess) {
    return <Alert type="success" role="status" title={t(decide.variables === 'approve' ? 'approvals.approved' : 'approvals.rejected')} />;
  }
  return (
    <Space orientation="vertical" style={{ width: '100%' }}>
      <Input.TextArea
        aria-label={t('approvals.commentFor', { name: candidateName })}
        placeholder={t('candidate.approvalComment')}
        value={comment}
        onChange={(e) => setComment(e.target.value)}
        autoSize={{ minRows: 2 }}
      />
      {decide.error && <ErrorNote error={decide.error} onRetry={() => decide.variables && decide.mutate(decide.variables)} />}
      <Space wrap>
        <Button type="primary" loading={decide.isPending && decide.variables === 'approve'} onClick={() => decide.mutate('approve')}>
          {t('candidate.approve')}
        </Button>
        <Button danger loading={decide.isPending && decide.variables === 'reject'} onClick={() => decide.mutate('reject')}>
          {t('candidate.reject')}
        </Button>
      </Space>
    </Space>
  );
}
