/**
 * The offer: HR drafts (salary shown against the job's band), saves and submits for
 * approval; everyone who can see the application sees the current version and its status.
 * A refused field is marked where it is; nothing typed is lost on an error.
 */
import { useState } from 'react';
import { Button, Card, Form, Input, InputNumber, Select, Space, Typography } from 'antd';
import { useMutation } from '@tanstack/react-query';
import { api, unwrap, type ApiError } from '../../api/client';
import { isHr, useApplicationAction } from '../../api/queries';
import type { TApplication, TJob, TMe } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote, fieldError } from '../../shell/error-note';
import { saveResponse } from '../../shell/download';
import { OfferDownloads } from './offer-documents';

type TPeriod = 'year' | 'month' | 'hour';

export function OfferSection({ a, me, job }: { a: TApplication; me: TMe; job: TJob | undefined }) {
  const { t, number, date } = useI18n();
  const current = a.offer.current;
  const band = job?.salaryBand;
  const [position, setPosition] = useState(current?.offer.position ?? job?.title ?? '');
  const [amount, setAmount] = useState<number | null>(current?.offer.salary?.amount ?? null);
  const [currency, setCurrency] = useState(current?.offer.salary?.currency ?? band?.currency ?? 'CNY');
  const [period, setPeriod] = useState<TPeriod>((current?.offer.salary?.period ?? band?.period ?? 'year'));
  const [benefits, setBenefits] = useState((current?.offer.benefits ?? []).join('\n'));
  const [startDate, setStartDate] = useState(current?.offer.startDate ?? '');
  const [terms, setTerms] = useState(current?.offer.terms ?? '');

  const draftBody = () => ({
    position: position.trim() || (job?.title ?? ''),
    salary: { amount: amount ?? 0, currency, period },
    benefits: benefits.split('\n').map((b) => b.trim()).filter(Boolean),
    startDate,
    ...(terms.trim() ? { terms: terms.trim() } : {}),
  });
  const save = useApplicationAction(a.id, () => unwrap(api.PUT('/v1/applications/{id}/offer', { params: { path: { id: a.id } }, body: draftBody() })));
  // The letter this draft would make, before saving: nothing changes on the server.
  const preview = useMutation<void, ApiError, void>({
    mutationFn: () =>
      saveResponse(api.POST('/v1/applications/{id}/offer/preview', { params: { path: { id: a.id } }, body: draftBody(), parseAs: 'blob' }), 'offer-preview.pdf'),
  });
  const submit = useApplicationAction(a.id, () => unwrap(api.POST('/v1/applications/{id}/offer/submit', { params: { path: { id: a.id } } })));

  const mayDraft = isHr(me) && a.stage === 'offer_drafting';
  if (!current && !mayDraft) return null;
  const status = current ? t('candidate.offerVersion', { v: current.version, status: t(`candidate.offerStatus.${current.status}`) }) : null;
  const bandText = band
    ? t('candidate.band', { min: number(band.min), max: number(band.max), currency: band.currency, period: t(`candidate.period.${band.period}`) })
    : null;
  const bandNote = band && amount !== null ? (amount > band.max ? t('candidate.aboveBand') : amount < band.min ? t('candidate.belowBand') : null) : null;
  // The refusal of whichever was tried last marks the fields.
  const err = preview.error && preview.submittedAt >= save.submittedAt ? preview.error : save.error;

  return (
    <Card title={t('candidate.offer')} id="offer" extra={status}>
      <OfferDownloads a={a} me={me} />
      {!mayDraft && current && (
        <Typography.Paragraph>
          {/* The salary is null for readers who may not see it (docs/administration.md). */}
          {current.offer.position} ·{' '}
          {current.offer.salary && (
            <>
              {number(current.offer.salary.amount)} {current.offer.salary.currency} {t(`candidate.period.${current.offer.salary.period}`)} ·{' '}
            </>
          )}
          {t('candidate.startDate')} {date(current.offer.startDate)}
        </Typography.Paragraph>
      )}
      {mayDraft && (
        <Form layout="vertical" component="div">
          <Form.Item label={t('candidate.position')} htmlFor="offer-position" {...fieldError(err, 'position', t)}>
            <Input id="offer-position" value={position} onChange={(e) => setPosition(e.target.value)} />
          </Form.Item>
          <Space wrap align="start">
            <Form.Item label={t('candidate.salary')} htmlFor="offer-amount" extra={bandNote ?? bandText} {...fieldError(err, 'salary.amount', t)}>
              <InputNumber id="offer-amount" value={amount} onChange={(v) => setAmount(v)} min={0} style={{ width: 180 }} />
            </Form.Item>
            <Form.Item label={t('candidate.currency')} htmlFor="offer-currency" {...fieldError(err, 'salary.currency', t)}>
              <Input id="offer-currency" value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} style={{ width: 90 }} maxLength={3} />
            </Form.Item>
            <Form.Item label={t('candidate.period')} htmlFor="offer-period">
              <Select<TPeriod>
                id="offer-period"
                value={period}
                onChange={setPeriod}
                style={{ width: 140 }}
                options={(['year', 'month', 'hour'] as const).map((p) => ({ value: p, label: t(`candidate.period.${p}`) }))}
              />
            </Form.Item>
            <Form.Item label={t('candidate.startDate')} htmlFor="offer-start" {...fieldError(err, 'startDate', t)}>
              <Input id="offer-start" type="date" value={startDate} onChange={(e) => setStartDate(e.target.value)} />
            </Form.Item>
          </Space>
          <Form.Item label={t('candidate.benefits')} htmlFor="offer-benefits" {...fieldError(err, 'benefits', t)}>
            <Input.TextArea id="offer-benefits" value={benefits} onChange={(e) => setBenefits(e.target.value)} autoSize={{ minRows: 2 }} />
          </Form.Item>
          <Form.Item label={t('candidate.terms')} htmlFor="offer-terms" {...fieldError(err, 'terms', t)}>
            <Input.TextArea id="offer-terms" value={terms} onChange={(e) => setTerms(e.target.value)} autoSize={{ minRows: 2 }} />
          </Form.Item>
          {err && <ErrorNote error={err} onRetry={() => (err === preview.error ? preview.mutate() : save.mutate(undefined))} />}
          {submit.error && <ErrorNote error={submit.error} onRetry={() => submit.mutate(undefined)} />}
          <Space wrap style={{ marginTop: 8 }}>
            <Button loading={save.isPending} onClick={() => save.mutate(undefined)}>
              {t('candidate.saveDraft')}
            </Button>
            <Button loading={preview.isPending} onClick={() => preview.mutate()}>
              {t('cc.offer.previewLetter')}
            </Button>
            <Button type="primary" disabled={!current || current.status !== 'draft'} loading={submit.isPending} onClick={() => submit.mutate(undefined)}>
              {t('candidate.submitOffer')}
            </Button>
          </Space>
        </Form>
      )}
    </Card>
  );
}
