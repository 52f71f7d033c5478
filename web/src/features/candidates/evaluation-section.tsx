/** The evaluations so far and, for HR and the department's manager, their own on the four-level scale. */
import { useState } from 'react';
import { Alert, Button, Card, Input, Radio, Typography } from 'antd';
import { api, unwrap } from '../../api/client';
import { useApplicationAction } from '../../api/queries';
import type { TApplication, TJob, TMe, TRating } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';

const RATINGS: TRating[] = ['excellent', 'good', 'fair', 'poor'];

export function EvaluationSection({ a, me, job }: { a: TApplication; me: TMe; job: TJob | undefined }) {
  const { t, dateTime } = useI18n();
  const mine = a.evaluations.find((e) => e.evaluatorId === me.userId);
  const [ratings, setRatings] = useState<Record<string, TRating>>(mine?.ratings ?? {});
  const [comment, setComment] = useState(mine?.comment ?? '');
  const [recommendation, setRecommendation] = useState<'advance' | 'reject' | undefined>(mine?.recommendation ?? undefined);
  const evaluate = useApplicationAction(a.id, () =>
    unwrap(
      api.POST('/v1/applications/{id}/evaluations', {
        params: { path: { id: a.id } },
        body: { ratings, ...(comment.trim() ? { comment: comment.trim() } : {}), ...(recommendation ? { recommendation } : {}) },
      }),
    ),
  );
  const mayEvaluate =
    (a.stage === 'evaluation' || a.stage === 'decision') &&
    me.roles.some((r) => r === 'hr' || r === 'admin' || (r === 'hiring_manager' && me.departmentId === a.departmentId));
  const competencies = job?.competencies ?? [];
  const complete = competencies.length > 0 && competencies.every((c) => ratings[c.key]);

  return (
    <Card title={t('candidate.evaluations')} id="evaluation">
      {a.evaluations.map((e) => (
        <p key={e.evaluatorId}>
          <Typography.Text strong>{e.evaluatorName}</Typography.Text> ({t(`role.${e.role}`)}, {dateTime(e.at)}):{' '}
          {Object.entries(e.ratings)
            .map(([k, r]) => `${competencies.find((c) => c.key === k)?.name ?? k} ${t(`candidate.rating.${r}`)}`)
            .join(' · ')}
          {e.recommendation && ` → ${t(`candidate.recommend.${e.recommendation}`)}`}
          {e.comment && <Typography.Paragraph type="secondary">{e.comment}</Typography.Paragraph>}
        </p>
      ))}
      {mayEvaluate && (
        <form
          aria-label={t('candidate.evaluate')}
          onSubmit={(ev) => {
            ev.preventDefault();
            if (complete) evaluate.mutate(undefined);
          }}
        >
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {t('candidate.evaluate')}
          </Typography.Title>
          {competencies.map((c) => (
            <fieldset key={c.key}>
              <legend>{c.name}</legend>
              <Radio.Group
                value={ratings[c.key]}
                onChange={(e) => setRatings((r) => ({ ...r, [c.key]: e.target.value as TRating }))}
                options={RATINGS.map((r) => ({ value: r, label: t(`candidate.rating.${r}`) }))}
              />
            </fieldset>
          ))}
          <fieldset>
            <legend>{t('candidate.recommendation')}</legend>
            <Radio.Group
              value={recommendation}
              onChange={(e) => setRecommendation(e.target.value as 'advance' | 'reject')}
              options={[
                { value: 'advance', label: t('candidate.recommend.advance') },
                { value: 'reject', label: t('candidate.recommend.reject') },
              ]}
            />
          </fieldset>
          <Input.TextArea aria-label={t('common.comment')} placeholder={t('common.comment')} value={comment} onChange={(e) => setComment(e.target.value)} autoSize={{ minRows: 2 }} />
          {evaluate.error && <ErrorNote error={evaluate.error} onRetry={() => evaluate.mutate(undefined)} />}
          {evaluate.isSuccess && <Alert type="success" title={t('candidate.evaluationSaved')} role="status" />}
          <Button type="primary" htmlType="submit" disabled={!complete} loading={evaluate.isPending} style={{ marginTop: 8 }}>
            {t('candidate.submitEvaluation')}
          </Button>
        </form>
      )}
    </Card>
  );
}
