/** The rejection feedback as the candidate would get it, in their language, before HR decides. */
import { Button, Card, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { api, unwrap, type ApiError } from '../../api/client';
import type { TApplication } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';

interface TFeedbackPreview {
  locale: 'en' | 'zh-CN';
  subject: string;
  text: string;
}

export function FeedbackPreview({ a }: { a: TApplication }) {
  const { t } = useI18n();
  const preview = useMutation<TFeedbackPreview, ApiError, void>({
    mutationFn: () => unwrap(api.POST('/v1/applications/{id}/decision/feedback-preview', { params: { path: { id: a.id } }, body: {} })),
  });
  const p = preview.data;
  return (
    <div className="feedback-preview">
      <Button loading={preview.isPending} onClick={() => preview.mutate()}>
        {p ? t('cc.feedback.refresh') : t('cc.feedback.preview')}
      </Button>
      {preview.error && <ErrorNote error={preview.error} onRetry={() => preview.mutate()} />}
      {p && (
        <Card
          size="small"
          role="region"
          aria-label={t('cc.feedback.title')}
          title={t('cc.feedback.title')}
          extra={<span>{t('cc.feedback.language', { lang: t(p.locale === 'zh-CN' ? 'cc.lang.zh-CN' : 'cc.lang.en') })}</span>}
          style={{ marginTop: 8 }}
        >
          <Typography.Paragraph strong lang={p.locale}>
            {p.subject}
          </Typography.Paragraph>
          <Typography.Paragraph lang={p.locale} style={{ whiteSpace: 'pre-wrap', overflowWrap: 'anywhere' }}>
            {p.text}
          </Typography.Paragraph>
        </Card>
      )}
    </div>
  );
}
