/** The whole history of the application, newest first. */
import { Card, Timeline } from 'antd';
import type { TApplication } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';

export function TimelineSection({ a }: { a: TApplication }) {
  const { t, tx, dateTime } = useI18n();
  const entries = [...a.timeline].reverse();
  return (
    <Card title={t('candidate.timeline')} id="timeline">
      <Timeline
        items={entries.map((e, i) => {
          const to = e.type === 'stage_changed' && typeof e.detail?.to === 'string' ? ` → ${tx(`stage.${e.detail.to}`, e.detail.to)}` : '';
          const actor = e.actor === 'system' ? '' : ` · ${e.actor.name}`;
          return { key: i, content: `${dateTime(e.at)} · ${tx(`timeline.${e.type}`, e.type)}${to}${actor}` };
        })}
      />
    </Card>
  );
}
