/** Per competency: the AI, human and composite scores as bars against the required level. */
import { Card, Typography } from 'antd';
import type { TApplication } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';

function Bar({ label, value, colour }: { label: string; value: number | null; colour: string }) {
  const { number } = useI18n();
  return (
    <div className="score-bar">
      <span>{label}</span>
      <span className="score-bar-track" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={value ?? 0}>
        <span className="score-bar-fill" style={{ width: `${value ?? 0}%`, background: colour, display: 'block' }} />
      </span>
      <span>{value === null ? '—' : number(value, 1)}</span>
    </div>
  );
}

export function ScoresSection({ a }: { a: TApplication }) {
  const { t, number } = useI18n();
  const dims = a.report?.dimensions ?? [];
  const composite = new Map((a.composite?.dimensions ?? []).map((d) => [d.key, d]));
  return (
    <Card title={t('candidate.scores')} id="scores">
      {dims.length === 0 ? (
        <Typography.Text>{t('candidate.noScores')}</Typography.Text>
      ) : (
        <>
          <p className="candidate-row">
            {(
              [
                ['jobs.match', a.scores.matchScore],
                ['jobs.ai', a.scores.aiScore],
                ['jobs.human', a.scores.humanScore],
                ['jobs.composite', a.scores.compositeScore],
              ] as const
            ).map(([label, value]) => (
              <span key={label}>
                {t(label)}: <strong>{value === null ? '—' : number(value, 1)}</strong>
              </span>
            ))}
          </p>
          {dims.map((d) => {
            const c = composite.get(d.key);
            return (
              <div key={d.key} style={{ marginBottom: 12 }}>
                <Typography.Text strong>{d.name}</Typography.Text>{' '}
                <Typography.Text type="secondary">
                  {t('candidate.required')} {d.requiredLevel} · {t('candidate.weight')} {d.weight}
                </Typography.Text>
                <Bar label={t('jobs.ai')} value={c?.ai ?? d.score} colour="#1f5fbf" />
                <Bar label={t('jobs.human')} value={c?.human ?? null} colour="#7c3aed" />
                <Bar label={t('jobs.composite')} value={c?.composite ?? null} colour="#047857" />
              </div>
            );
          })}
        </>
      )}
    </Card>
  );
}
