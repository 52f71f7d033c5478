/**
 * The probation phase on the candidate page (#probation): its dates, the hiring manager's
 * check-in, the mentor's note, an extension and the final review, with the actions the
 * API allows each person (docs/console.md): the check-in for the department's hiring
 * manager and HR, the mentor's note for the new hire's mentor and HR, the review (confirm,
 * extend once, end) for HR and admins. A refused field is marked where it is.
 */
import { useState } from 'react';
import { Button, Card, Checkbox, Descriptions, Form, Input, Radio, Space, Typography } from 'antd';
import { api, unwrap } from '../../api/client';
import { isHr, useApplicationAction } from '../../api/queries';
import type { TApplication, TMe } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote, fieldError } from '../../shell/error-note';

type TProbation = NonNullable<TApplication['probation']>;
type TOutcome = 'confirm' | 'extend' | 'end';

function CheckInForm({ a }: { a: TApplication }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const [onTrack, setOnTrack] = useState(true);
  const record = useApplicationAction(a.id, () =>
    unwrap(api.POST('/v1/applications/{id}/probation/check-in', { params: { path: { id: a.id } }, body: { note: note.trim(), onTrack } })),
  );
  return (
    <Form layout="vertical" component="div" aria-label={t('cc.probation.checkIn')}>
      <Form.Item label={t('cc.probation.checkInNote')} htmlFor="probation-checkin-note" {...fieldError(record.error, 'note', t)}>
        <Input.TextArea id="probation-checkin-note" value={note} onChange={(e) => setNote(e.target.value)} autoSize={{ minRows: 2 }} />
      </Form.Item>
      <Checkbox checked={onTrack} onChange={(e) => setOnTrack(e.target.checked)}>
        {t('cc.probation.onTrack')}
      </Checkbox>
      {record.error && <ErrorNote error={record.error} onRetry={() => record.mutate(undefined)} />}
      <div style={{ marginTop: 8 }}>
        <Button type="primary" loading={record.isPending} onClick={() => record.mutate(undefined)}>
          {t('cc.probation.recordCheckIn')}
        </Button>
      </div>
    </Form>
  );
}

function MentorNoteForm({ a }: { a: TApplication }) {
  const { t } = useI18n();
  const [note, setNote] = useState('');
  const record = useApplicationAction(a.id, () =>
    unwrap(api.POST('/v1/applications/{id}/probation/mentor-note', { params: { path: { id: a.id } }, body: { note: note.trim() } })),
  );
  return (
    <Form layout="vertical" component="div" aria-label={t('cc.probation.mentorNote')}>
      <Form.Item label={t('cc.probation.mentorNoteText')} htmlFor="probation-mentor-note" {...fieldError(record.error, 'note', t)}>
        <Input.TextArea id="probation-mentor-note" value={note} onChange={(e) => setNote(e.target.value)} autoSize={{ minRows: 2 }} />
      </Form.Item>
      {record.error && <ErrorNote error={record.error} onRetry={() => record.mutate(undefined)} />}
      <Button loading={record.isPending} onClick={() => record.mutate(undefined)}>
        {t('cc.probation.saveMentorNote')}
      </Button>
    </Form>
  );
}

function ReviewForm({ a, p }: { a: TApplication; p: TProbation }) {
  const { t } = useI18n();
  const [outcome, setOutcome] = useState<TOutcome>('confirm');
  const [reason, setReason] = useState('');
  const [endDate, setEndDate] = useState('');
  const review = useApplicationAction(a.id, () =>
    unwrap(
      api.POST('/v1/applications/{id}/probation/review', {
        params: { path: { id: a.id } },
        body: { outcome, ...(reason.trim() ? { reason: reason.trim() } : {}), ...(outcome === 'extend' && endDate ? { endDate } : {}) },
      }),
    ),
  );
  const outcomes: TOutcome[] = p.extension ? ['confirm', 'end'] : ['confirm', 'extend', 'end'];
  return (
    <Form layout="vertical" component="div" aria-label={t('cc.probation.review')}>
      <Form.Item label={t('cc.probation.outcome')} {...fieldError(review.error, 'outcome', t)}>
        <Radio.Group
          aria-label={t('cc.probation.outcome')}
          value={outcome}
          onChange={(e) => setOutcome(e.target.value as TOutcome)}
          options={outcomes.map((o) => ({ value: o, label: t(`cc.probation.outcome.${o}`) }))}
        />
      </Form.Item>
      {outcome === 'extend' && (
        <Form.Item label={t('cc.probation.newEndDate')} htmlFor="probation-end-date" {...fieldError(review.error, 'endDate', t)}>
          <Input id="probation-end-date" type="date" value={endDate} onChange={(e) => setEndDate(e.target.value)} style={{ maxWidth: 200 }} />
        </Form.Item>
      )}
      <Form.Item
        label={outcome === 'confirm' ? t('cc.probation.reasonOptional') : t('cc.probation.reasonRequired')}
        htmlFor="probation-reason"
        {...fieldError(review.error, 'reason', t)}
      >
        <Input.TextArea id="probation-reason" value={reason} onChange={(e) => setReason(e.target.value)} autoSize={{ minRows: 2 }} />
      </Form.Item>
      {review.error && <ErrorNote error={review.error} onRetry={() => review.mutate(undefined)} />}
      <Button type="primary" danger={outcome === 'end'} loading={review.isPending} onClick={() => review.mutate(undefined)}>
        {t(`cc.probation.submit.${outcome}`)}
      </Button>
    </Form>
  );
}

export function ProbationSection({ a, me }: { a: TApplication; me: TMe }) {
  const { t, date, dateTime } = useI18n();
  const p = a.probation;
  if (!p) return null;
  const open = a.stage === 'probation' && !p.review;
  const mayCheckIn = open && !p.checkIn && (isHr(me) || me.roles.includes('hiring_manager'));
  const mayNote = open && (isHr(me) || (p.mentorUserId !== null && p.mentorUserId === me.userId));
  const mayReview = open && isHr(me);
  return (
    <Card title={t('cc.probation.title')} id="probation">
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2, lg: 3 }}
        items={[
          { key: 'start', label: t('candidate.startDate'), children: date(p.startDate) },
          { key: 'checkInDate', label: t('cc.probation.checkInDate'), children: date(p.checkInDate) },
          { key: 'end', label: t('cc.probation.endDate'), children: date(p.endDate) },
        ]}
      />
      <Space orientation="vertical" style={{ width: '100%' }} size="middle">
        <section aria-label={t('cc.probation.checkIn')}>
          <Typography.Title level={3} style={{ fontSize: 15 }}>
            {t('cc.probation.checkIn')}
          </Typography.Title>
          {p.checkIn ? (
            <Typography.Paragraph>
              {t(p.checkIn.onTrack ? 'cc.probation.onTrackBy' : 'cc.probation.notOnTrackBy', { name: p.checkIn.by.name, at: dateTime(p.checkIn.at) })} — {p.checkIn.note}
            </Typography.Paragraph>
          ) : (
            !mayCheckIn && <Typography.Text type="secondary">{t('cc.probation.noCheckIn')}</Typography.Text>
          )}
          {mayCheckIn && <CheckInForm a={a} />}
        </section>
        <section aria-label={t('cc.probation.mentorNote')}>
          <Typography.Title level={3} style={{ fontSize: 15 }}>
            {t('cc.probation.mentorNote')}
          </Typography.Title>
          {p.mentorNote ? (
            <Typography.Paragraph>
              {t('cc.probation.noteBy', { name: p.mentorNote.by.name, at: dateTime(p.mentorNote.at) })} — {p.mentorNote.note}
            </Typography.Paragraph>
          ) : (
            !mayNote && <Typography.Text type="secondary">{t('cc.probation.noMentorNote')}</Typography.Text>
          )}
          {mayNote && <MentorNoteForm a={a} />}
        </section>
        {p.extension && (
          <Typography.Paragraph>
            {t('cc.probation.extended', { from: date(p.extension.previousEndDate), to: date(p.extension.endDate), reason: p.extension.reason })}
          </Typography.Paragraph>
        )}
        <section aria-label={t('cc.probation.review')}>
          <Typography.Title level={3} style={{ fontSize: 15 }}>
            {t('cc.probation.review')}
          </Typography.Title>
          {p.review ? (
            <Typography.Paragraph>
              {t(p.review.outcome === 'confirm' ? 'cc.probation.confirmedBy' : 'cc.probation.endedBy', { name: p.review.by.name, at: dateTime(p.review.at) })}
              {p.review.reason ? ` — ${p.review.reason}` : ''}
            </Typography.Paragraph>
          ) : (
            !mayReview && <Typography.Text type="secondary">{t('cc.probation.noReview')}</Typography.Text>
          )}
          {mayReview && <ReviewForm a={a} p={p} />}
        </section>
      </Space>
    </Card>
  );
}
