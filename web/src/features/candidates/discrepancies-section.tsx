/** Each discrepancy with both sides' evidence, and (HR, unresolved) a resolution form. */
import { useState } from 'react';
import { Button, Card, Input, Radio, Tag, Typography } from 'antd';
import { api, unwrap } from '../../api/client';
import { isHr, useApplicationAction } from '../../api/queries';
import type { TApplication, TDiscrepancyState, TMe } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';

const SEVERITY_COLOURS = { high: '#b91c1c', medium: '#9a3412', info: 'default' } as const;
const RESOLUTIONS = ['confirmed', 'dismissed', 'retest'] as const;
type TResolution = (typeof RESOLUTIONS)[number];

/** Evidence as `key: value` lines, not JSON. */
function evidenceText(v: unknown): string {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v !== 'object') return '';
  if (Array.isArray(v)) return v.map(evidenceText).join(', ');
  return Object.entries(v as Record<string, unknown>)
    .map(([k, x]) => `${k}: ${typeof x === 'object' && x !== null && !Array.isArray(x) ? JSON.stringify(x) : evidenceText(x)}`)
    .join('\n');
}

function Resolve({ a, d }: { a: TApplication; d: TDiscrepancyState }) {
  const { t } = useI18n();
  const [resolution, setResolution] = useState<TResolution | null>(null);
  const [note, setNote] = useState('');
  const resolve = useApplicationAction(a.id, (v: { resolution: TResolution; note: string }) =>
    unwrap(
      api.POST('/v1/applications/{id}/discrepancies/{discrepancyId}/resolution', {
        params: { path: { id: a.id, discrepancyId: d.id } },
        body: { resolution: v.resolution, ...(v.note.trim() ? { note: v.note.trim() } : {}) },
      }),
    ),
  );
  const submit = () => resolution && resolve.mutate({ resolution, note });
  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <fieldset>
        <legend>{t('candidate.resolution')}</legend>
        <Radio.Group
          value={resolution}
          onChange={(e) => setResolution(e.target.value as TResolution)}
          options={RESOLUTIONS.map((r) => ({ value: r, label: t(`candidate.resolution.${r}`) }))}
        />
      </fieldset>
      <Input.TextArea aria-label={t('candidate.note')} placeholder={t('candidate.note')} value={note} onChange={(e) => setNote(e.target.value)} autoSize />
      {resolve.error && <ErrorNote error={resolve.error} onRetry={submit} />}
      <Button type="primary" htmlType="submit" disabled={!resolution} loading={resolve.isPending} style={{ marginTop: 8 }}>
        {t('candidate.resolve')}
      </Button>
    </form>
  );
}

export function DiscrepanciesSection({ a, me }: { a: TApplication; me: TMe }) {
  const { t, tx } = useI18n();
  return (
    <Card title={t('candidate.discrepancies')} id="discrepancies">
      {a.discrepancies.length === 0 && <Typography.Text>{t('candidate.noDiscrepancies')}</Typography.Text>}
      {a.discrepancies.map((d) => (
        <div key={d.id} className="candidate-discrepancy">
          <span className="candidate-row">
            <Tag color={SEVERITY_COLOURS[d.severity]}>{tx(`candidate.severity.${d.severity}`, d.severity)}</Tag>
            <Typography.Text strong>{d.message}</Typography.Text>
          </span>
          <div className="candidate-evidence">
            <div>
              <Typography.Text type="secondary">{t('candidate.resume')}</Typography.Text>
              <pre>{evidenceText(d.evidence.resume)}</pre>
            </div>
            <div>
              <Typography.Text type="secondary">{t('candidate.interview')}</Typography.Text>
              <pre>{evidenceText(d.evidence.interview)}</pre>
            </div>
          </div>
          {d.resolution ? (
            <Typography.Text>
              {t('candidate.resolvedBy', { resolution: t(`candidate.resolution.${d.resolution.resolution}`), name: d.resolution.byName })}
              {d.resolution.note ? ` — ${d.resolution.note}` : ''}
            </Typography.Text>
          ) : (
            isHr(me) && a.stage === 'discrepancy_review' && <Resolve a={a} d={d} />
          )}
        </div>
      ))}
    </Card>
  );
}
