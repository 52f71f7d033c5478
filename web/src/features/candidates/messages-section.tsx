/** Every e-mail and SMS of the application, with delivery and open status (HR). */
import { Card, List, Tag } from 'antd';
import { useMessages } from '../../api/queries';
import { useI18n } from '../../i18n/i18n';

export function MessagesSection({ id }: { id: string }) {
  const { t, dateTime } = useI18n();
  const messages = useMessages(id, true);
  return (
    <Card title={t('candidate.messages')} id="messages">
      <List
        size="small"
        loading={messages.isPending}
        locale={{ emptyText: t('candidate.noMessages') }}
        dataSource={messages.data?.items ?? []}
        renderItem={(m) => (
          <List.Item>
            <span className="candidate-row">
              <Tag>{m.channel}</Tag>
              <span>{m.subject ?? m.template}</span>
              <span style={{ wordBreak: 'break-all' }}>{m.recipient}</span>
              <Tag color={m.delivered ? '#166534' : m.status === 'failed' ? '#b91c1c' : 'default'}>{m.status}</Tag>
              {m.openedAt && <Tag color="#1e40af">{t('candidate.opened')}</Tag>}
              <span>{dateTime(m.sentAt ?? m.createdAt)}</span>
            </span>
          </List.Item>
        )}
      />
    </Card>
  );
}
