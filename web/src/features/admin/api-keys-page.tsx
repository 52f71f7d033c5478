/**
 * API keys per user (admins): the list (never the keys), a new key with scopes and expiry
 * whose value is shown once, and revocation after a confirmation.
 */
import { useId, useState } from 'react';
import { Button, Card, Checkbox, Form, Input, Popconfirm, Table, Tag } from 'antd';
import { api, unwrap } from '../../api/client';
import { API_KEY_SCOPES, type TApiKeyScope } from '../../../../domain/contracts/api-keys';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';
import { useAdminMutation, useAdminUsers, useApiKeys, type TApiKey, type TCreatedApiKey } from './admin-api';
import { apiIssues, useFieldStatus } from './issues';
import { ScrollTable, ScreenTitle, SecretOnce } from './shared';

function CreateKey({ userId }: { userId: string }) {
  const { t } = useI18n();
  const ids = { name: useId(), expires: useId() };
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<TApiKeyScope[]>([]);
  const [expires, setExpires] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const create = useAdminMutation(
    () =>
      unwrap<TCreatedApiKey>(
        api.POST('/v1/users/{id}/api-keys', {
          params: { path: { id: userId } },
          // The chosen day, to its end in the browser's time zone.
          body: { name, scopes, ...(expires ? { expiresAt: new Date(`${expires}T23:59:59`).toISOString() } : {}) },
        }),
      ),
    [['api-keys', userId]],
  );
  const status = useFieldStatus(apiIssues(create.error));
  const submit = () =>
    create.mutate(undefined, {
      onSuccess: (k) => {
        setSecret(k.key);
        setName('');
        setScopes([]);
        setExpires('');
      },
    });
  return (
    <Card size="small" title={t('admin.keys.create')}>
      {secret && <SecretOnce label={t('admin.keys.secretTitle')} secret={secret} onDone={() => setSecret(null)} />}
      <Form layout="vertical" onFinish={submit}>
        <div className="admin-row">
          <Form.Item label={t('admin.keys.name')} htmlFor={ids.name} {...status('name')}>
            <Input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          </Form.Item>
          <Form.Item label={t('admin.keys.expires')} htmlFor={ids.expires} {...status('expiresAt')}>
            <Input id={ids.expires} type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
          </Form.Item>
        </div>
        <fieldset className="admin-checks">
          <legend>{t('admin.keys.scopes')}</legend>
          <Form.Item {...status('scopes')}>
            <Checkbox.Group options={API_KEY_SCOPES.map((s) => ({ value: s, label: s }))} value={scopes} onChange={(v) => setScopes(v)} />
          </Form.Item>
        </fieldset>
        {create.error && <ErrorNote error={create.error} onRetry={submit} />}
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('admin.keys.createButton')}
        </Button>
      </Form>
    </Card>
  );
}

export function ApiKeysPage() {
  const { t, dateTime } = useI18n();
  const userSelect = useId();
  const users = useAdminUsers().data?.items ?? [];
  const [userId, setUserId] = useState('');
  const keys = useApiKeys(userId || undefined);
  const revoke = useAdminMutation((id: string) => unwrap(api.DELETE('/v1/api-keys/{id}', { params: { path: { id } } })), [['api-keys', userId]]);
  return (
    <>
      <ScreenTitle>{t('admin.nav.apiKeys')}</ScreenTitle>
      <Form layout="vertical">
        <Form.Item label={t('admin.keys.user')} htmlFor={userSelect}>
          <select id={userSelect} className="admin-select" value={userId} onChange={(e) => setUserId(e.target.value)}>
            <option value="">{t('admin.keys.pickUser')}</option>
            {users.map((u) => (
              <option key={u.id} value={u.id}>
                {u.name} ({u.email})
              </option>
            ))}
          </select>
        </Form.Item>
      </Form>
      {userId && <CreateKey key={userId} userId={userId} />}
      {keys.error && <ErrorNote error={keys.error} onRetry={() => void keys.refetch()} />}
      {revoke.error && <ErrorNote error={revoke.error} />}
      {userId && (
        <ScrollTable label={t('admin.nav.apiKeys')}>
          <Table<TApiKey>
            size="small"
            rowKey="id"
            loading={keys.isPending}
            dataSource={keys.data?.items ?? []}
            pagination={false}
            columns={[
              { key: 'name', title: t('admin.keys.name'), dataIndex: 'name' },
              {
                key: 'scopes',
                title: t('admin.keys.scopes'),
                render: (_, k) => (k.scopes ? k.scopes.map((s) => <Tag key={s}>{s}</Tag>) : t('admin.keys.allScopes')),
              },
              { key: 'expires', title: t('admin.keys.expires'), render: (_, k) => (k.expiresAt ? dateTime(k.expiresAt) : t('admin.keys.never')) },
              { key: 'used', title: t('admin.keys.lastUsed'), render: (_, k) => (k.lastUsedAt ? dateTime(k.lastUsedAt) : t('admin.keys.neverUsed')) },
              {
                key: 'revoked',
                title: t('admin.keys.status'),
                render: (_, k) => (k.revokedAt ? t('admin.keys.revokedAt', { at: dateTime(k.revokedAt) }) : t('admin.keys.valid')),
              },
              {
                key: 'revoke',
                title: t('admin.actions'),
                render: (_, k) =>
                  k.revokedAt ? null : (
                    <Popconfirm
                      title={t('admin.keys.revokeConfirm', { name: k.name })}
                      okText={t('admin.keys.revoke')}
                      cancelText={t('common.cancel')}
                      onConfirm={() => revoke.mutate(k.id)}
                    >
                      <Button size="small" danger aria-label={t('admin.keys.revokeKey', { name: k.name })}>
                        {t('admin.keys.revoke')}
                      </Button>
                    </Popconfirm>
                  ),
              },
            ]}
          />
        </ScrollTable>
      )}
    </>
  );
}
