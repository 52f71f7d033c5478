/**
 * Webhooks (admins): every endpoint, a new one (URL, events, a secret shown once), a test
 * ping, a rotated secret (shown once), deactivation, and per endpoint the log of delivery
 * attempts with their status, from which an event is delivered again.
 */
import { useId, useState } from 'react';
import { Alert, Button, Card, Checkbox, Form, Input, Popconfirm, Space, Table, Tag } from 'antd';
import { api, unwrap } from '../../api/client';
import { WEBHOOK_EVENT_TYPES } from '../../../../domain/contracts/webhooks';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';
import { useAdminMutation, useDeliveries, useWebhooks, type TAttempt, type TManualDelivery, type TWebhook } from './admin-api';
import { apiIssues, useFieldStatus } from './issues';
import { randomSecret, ScrollTable, ScreenTitle, SecretOnce } from './shared';

type TEvent = (typeof WEBHOOK_EVENT_TYPES)[number];

function CreateWebhook() {
  const { t } = useI18n();
  const ids = { url: useId(), secret: useId() };
  const [url, setUrl] = useState('');
  const [events, setEvents] = useState<TEvent[]>([]);
  const [secret, setSecret] = useState(randomSecret);
  const [shown, setShown] = useState<string | null>(null);
  const create = useAdminMutation(() => unwrap(api.POST('/v1/webhooks', { body: { url, events, secret } })), [['webhooks']]);
  const status = useFieldStatus(apiIssues(create.error));
  const submit = () =>
    create.mutate(undefined, {
      onSuccess: () => {
        setShown(secret);
        setUrl('');
        setEvents([]);
        setSecret(randomSecret());
      },
    });
  return (
    <Card size="small" title={t('admin.webhooks.create')}>
      {shown && <SecretOnce label={t('admin.webhooks.secretTitle')} secret={shown} onDone={() => setShown(null)} />}
      <Form layout="vertical" onFinish={submit}>
        <Form.Item label={t('admin.webhooks.url')} htmlFor={ids.url} {...status('url')}>
          <Input id={ids.url} type="url" value={url} onChange={(e) => setUrl(e.target.value)} autoComplete="off" placeholder="https://" />
        </Form.Item>
        <fieldset className="admin-checks">
          <legend>{t('admin.webhooks.events')}</legend>
          <p>{t('admin.webhooks.eventsHint')}</p>
          <Form.Item {...status('events')}>
            <Checkbox.Group options={WEBHOOK_EVENT_TYPES.map((e) => ({ value: e, label: e }))} value={events} onChange={(v) => setEvents(v)} />
          </Form.Item>
        </fieldset>
        <Form.Item label={t('admin.webhooks.secret')} htmlFor={ids.secret} extra={t('admin.webhooks.secretHint')} {...status('secret')}>
          <Input id={ids.secret} value={secret} onChange={(e) => setSecret(e.target.value)} autoComplete="off" />
        </Form.Item>
        {create.error && <ErrorNote error={create.error} onRetry={submit} />}
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('admin.webhooks.createButton')}
        </Button>
      </Form>
    </Card>
  );
}

function DeliveryResult({ result }: { result: TManualDelivery }) {
  const { t } = useI18n();
  return (
    <Alert
      role="status"
      type={result.delivered ? 'success' : 'warning'}
      title={
        result.delivered
          ? t('admin.webhooks.delivered', { status: result.statusCode ?? '—' })
          : t('admin.webhooks.notDelivered', { status: result.statusCode ?? '—', error: result.error ?? '' })
      }
    />
  );
}

function DeliveryLog({ hook }: { hook: TWebhook }) {
  const { t, tx, dateTime } = useI18n();
  const [cursors, setCursors] = useState<string[]>([]);
  const deliveries = useDeliveries(hook.id, cursors[cursors.length - 1]);
  const redeliver = useAdminMutation(
    (eventId: string) => unwrap<TManualDelivery>(api.POST('/v1/webhooks/{id}/deliveries/{eventId}/redeliver', { params: { path: { id: hook.id, eventId } } })),
    [['webhook-deliveries', hook.id]],
  );
  return (
    <Card size="small" title={t('admin.webhooks.logOf', { url: hook.url })}>
      {deliveries.error && <ErrorNote error={deliveries.error} onRetry={() => void deliveries.refetch()} />}
      {redeliver.error && <ErrorNote error={redeliver.error} onRetry={() => redeliver.variables && redeliver.mutate(redeliver.variables)} />}
      {redeliver.data && <DeliveryResult result={redeliver.data} />}
      <ScrollTable label={t('admin.webhooks.logOf', { url: hook.url })}>
        <Table<TAttempt>
          size="small"
          rowKey="attemptId"
          loading={deliveries.isPending}
          dataSource={deliveries.data?.items ?? []}
          pagination={false}
          locale={{ emptyText: t('admin.webhooks.noDeliveries') }}
          columns={[
            { key: 'at', title: t('admin.webhooks.at'), render: (_, a) => dateTime(a.at) },
            { key: 'type', title: t('admin.webhooks.event'), dataIndex: 'type' },
            { key: 'attempt', title: t('admin.webhooks.attempt'), dataIndex: 'attemptNo' },
            { key: 'code', title: t('admin.webhooks.statusCode'), render: (_, a) => a.statusCode ?? a.error ?? '—' },
            {
              key: 'status',
              title: t('admin.webhooks.deliveryStatus'),
              render: (_, a) => <Tag>{tx(`admin.webhooks.status.${a.deliveryStatus}`, a.deliveryStatus)}</Tag>,
            },
            {
              key: 'redeliver',
              title: t('admin.actions'),
              render: (_, a) => (
                <Button
                  size="small"
                  loading={redeliver.isPending && redeliver.variables === a.eventId}
                  aria-label={t('admin.webhooks.redeliverAttempt', { type: a.type, n: a.attemptNo })}
                  onClick={() => redeliver.mutate(a.eventId)}
                >
                  {t('admin.webhooks.redeliver')}
                </Button>
              ),
            },
          ]}
        />
      </ScrollTable>
      <Space>
        <Button disabled={!cursors.length} onClick={() => setCursors((c) => c.slice(0, -1))}>
          {t('common.previous')}
        </Button>
        <Button disabled={!deliveries.data?.nextCursor} onClick={() => deliveries.data?.nextCursor && setCursors((c) => [...c, deliveries.data.nextCursor!])}>
          {t('common.next')}
        </Button>
      </Space>
    </Card>
  );
}

export function WebhooksPage() {
  const { t, dateTime } = useI18n();
  const hooks = useWebhooks();
  const [logOf, setLogOf] = useState<string | null>(null);
  const [rotated, setRotated] = useState<string | null>(null);
  const test = useAdminMutation(
    (id: string) => unwrap<TManualDelivery>(api.POST('/v1/webhooks/{id}/test', { params: { path: { id } } })),
    [['webhook-deliveries']],
  );
  const rotate = useAdminMutation(
    (id: string) => unwrap<{ secret: string }>(api.POST('/v1/webhooks/{id}/rotate-secret', { params: { path: { id } }, body: {} })),
    [['webhooks']],
  );
  const remove = useAdminMutation((id: string) => unwrap(api.DELETE('/v1/webhooks/{id}', { params: { path: { id } } })), [['webhooks']]);
  const hook = hooks.data?.items.find((h) => h.id === logOf);
  return (
    <>
      <ScreenTitle>{t('admin.nav.webhooks')}</ScreenTitle>
      <CreateWebhook />
      {rotated && <SecretOnce label={t('admin.webhooks.rotatedTitle')} secret={rotated} onDone={() => setRotated(null)} />}
      {hooks.error && <ErrorNote error={hooks.error} onRetry={() => void hooks.refetch()} />}
      {[test.error, rotate.error, remove.error].map((e, i) => e && <ErrorNote key={i} error={e} />)}
      {test.data && <DeliveryResult result={test.data} />}
      <ScrollTable label={t('admin.nav.webhooks')}>
        <Table<TWebhook>
          size="small"
          rowKey="id"
          loading={hooks.isPending}
          dataSource={hooks.data?.items ?? []}
          pagination={false}
          columns={[
            { key: 'url', title: t('admin.webhooks.url'), dataIndex: 'url' },
            { key: 'events', title: t('admin.webhooks.events'), render: (_, h) => (h.events.length ? h.events.join(', ') : t('admin.webhooks.allEvents')) },
            { key: 'active', title: t('admin.users.status'), render: (_, h) => (h.active ? t('admin.users.active') : t('admin.users.inactive')) },
            { key: 'created', title: t('admin.jobs.created'), render: (_, h) => dateTime(h.createdAt) },
            {
              key: 'actions',
              title: t('admin.actions'),
              render: (_, h) => (
                <Space wrap>
                  <Button size="small" disabled={!h.active} loading={test.isPending && test.variables === h.id} onClick={() => test.mutate(h.id)} aria-label={t('admin.webhooks.testOf', { url: h.url })}>
                    {t('admin.webhooks.test')}
                  </Button>
                  <Button size="small" onClick={() => setLogOf(h.id)} aria-label={t('admin.webhooks.logOf', { url: h.url })}>
                    {t('admin.webhooks.log')}
                  </Button>
                  <Popconfirm title={t('admin.webhooks.rotateConfirm')} okText={t('admin.webhooks.rotate')} cancelText={t('common.cancel')} onConfirm={() => rotate.mutate(h.id, { onSuccess: (r) => setRotated(r.secret) })}>
                    <Button size="small" disabled={!h.active} aria-label={t('admin.webhooks.rotateOf', { url: h.url })}>
                      {t('admin.webhooks.rotate')}
                    </Button>
                  </Popconfirm>
                  {h.active && (
                    <Popconfirm title={t('admin.webhooks.deactivateConfirm')} okText={t('admin.webhooks.deactivate')} cancelText={t('common.cancel')} onConfirm={() => remove.mutate(h.id)}>
                      <Button size="small" danger aria-label={t('admin.webhooks.deactivateOf', { url: h.url })}>
                        {t('admin.webhooks.deactivate')}
                      </Button>
                    </Popconfirm>
                  )}
                </Space>
              ),
            },
          ]}
        />
      </ScrollTable>
      {hook && <DeliveryLog key={hook.id} hook={hook} />}
    </>
  );
}
