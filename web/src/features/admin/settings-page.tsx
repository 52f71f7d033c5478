/**
 * Organisation settings (admins): the company's name, address and general manager
 * (PUT /v1/settings, the rest of the settings sent back as they are), and how long personal
 * data is kept (PATCH /v1/settings, field by field).
 */
import { useId, useState } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber } from 'antd';
import { api, unwrap } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import type { TAdminKey } from '../../i18n/admin.en';
import { ErrorNote } from '../../shell/error-note';
import { useAdminMutation, useSettings, type TRetention, type TSettings } from './admin-api';
import { apiIssues, useFieldStatus } from './issues';
import { ScreenTitle, UserSelect } from './shared';

function Organisation({ settings }: { settings: TSettings }) {
  const { t } = useI18n();
  const ids = { name: useId(), address: useId(), gm: useId() };
  const [companyName, setName] = useState(settings.companyName);
  const [companyAddress, setAddress] = useState(settings.companyAddress);
  const [gm, setGm] = useState(settings.generalManagerUserId ?? '');
  const save = useAdminMutation(
    () =>
      unwrap(
        api.PUT('/v1/settings', {
          body: {
            companyName,
            companyAddress,
            generalManagerUserId: gm,
            ...(settings.logoPngBase64 ? { logoPngBase64: settings.logoPngBase64 } : {}),
            defaults: settings.defaults as never,
            ...(settings.retention ? { retention: settings.retention } : {}),
          },
        }),
      ),
    [['settings']],
  );
  const status = useFieldStatus(apiIssues(save.error));
  const submit = () => save.mutate(undefined);
  return (
    <Card size="small" title={t('admin.settings.organisation')}>
      <Form layout="vertical" onFinish={submit}>
        <Form.Item label={t('admin.settings.companyName')} htmlFor={ids.name} {...status('companyName')}>
          <Input id={ids.name} value={companyName} onChange={(e) => setName(e.target.value)} />
        </Form.Item>
        <Form.Item label={t('admin.settings.companyAddress')} htmlFor={ids.address} {...status('companyAddress')}>
          <Input.TextArea id={ids.address} value={companyAddress} onChange={(e) => setAddress(e.target.value)} autoSize={{ minRows: 2 }} />
        </Form.Item>
        <Form.Item label={t('admin.settings.generalManager')} htmlFor={ids.gm} {...status('generalManagerUserId')}>
          <UserSelect id={ids.gm} value={gm} onChange={setGm} empty={t('admin.settings.pickGm')} activeOnly />
        </Form.Item>
        {save.error && <ErrorNote error={save.error} onRetry={submit} />}
        {save.isSuccess && <Alert role="status" type="success" title={t('admin.saved')} />}
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('common.save')}
        </Button>
      </Form>
    </Card>
  );
}

const OUTCOMES = ['rejected', 'withdrawn', 'declined', 'expired'] as const;

function Retention({ retention }: { retention: TRetention }) {
  const { t } = useI18n();
  const base = useId();
  const [value, setValue] = useState<TRetention>(retention);
  const save = useAdminMutation(() => unwrap(api.PATCH('/v1/settings', { body: { retention: value } })), [['settings']]);
  const status = useFieldStatus(apiIssues(save.error));
  const submit = () => save.mutate(undefined);
  const days = (field: string, label: TAdminKey, v: number, set: (n: number) => void) => (
    <Form.Item key={field} label={t(label)} htmlFor={`${base}${field}`} {...status(`retention.${field}`)}>
      <InputNumber id={`${base}${field}`} value={v} onChange={(n) => set(n ?? Number.NaN)} style={{ width: '100%' }} />
    </Form.Item>
  );
  return (
    <Card size="small" title={t('admin.settings.retention')}>
      <Form layout="vertical" onFinish={submit}>
        <p>{t('admin.settings.retentionHint')}</p>
        <div className="admin-row">
          {OUTCOMES.map((o) =>
            days(`afterEnd.${o}`, `admin.settings.after.${o}`, value.afterEnd[o], (n) => setValue((r) => ({ ...r, afterEnd: { ...r.afterEnd, [o]: n } }))),
          )}
        </div>
        <div className="admin-row">
          {days('idempotencyKeys', 'admin.settings.idempotencyKeys', value.idempotencyKeys, (n) => setValue((r) => ({ ...r, idempotencyKeys: n })))}
          {days('webhookEvents', 'admin.settings.webhookEvents', value.webhookEvents, (n) => setValue((r) => ({ ...r, webhookEvents: n })))}
        </div>
        {save.error && <ErrorNote error={save.error} onRetry={submit} />}
        {save.isSuccess && <Alert role="status" type="success" title={t('admin.saved')} />}
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('admin.settings.saveRetention')}
        </Button>
      </Form>
    </Card>
  );
}

export function SettingsPage() {
  const { t } = useI18n();
  const settings = useSettings();
  return (
    <>
      <ScreenTitle>{t('admin.nav.settings')}</ScreenTitle>
      {settings.error && <ErrorNote error={settings.error} onRetry={() => void settings.refetch()} />}
      {settings.data && <Organisation settings={settings.data} />}
      {settings.data?.retention && <Retention retention={settings.data.retention} />}
    </>
  );
}
