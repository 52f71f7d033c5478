/**
 * Shown on any 401. An e-mailed single-use link or the company's single sign-on; both
 * end in a session cookie, so no token is ever kept by the browser.
 */
import { useState } from 'react';
import { Button, Card, Divider, Form, Input, Typography } from 'antd';
import { requestEmailLink } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';

export function SignIn() {
  const { t } = useI18n();
  const [sentTo, setSentTo] = useState<string | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  async function send({ email }: { email: string }) {
    setBusy(true);
    setError(null);
    try {
      await requestEmailLink(email);
      setSentTo(email);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }

  return (
    <Card style={{ maxWidth: 440, margin: '48px auto' }}>
      <Typography.Title level={1} style={{ fontSize: 22 }}>
        {t('signIn.title')}
      </Typography.Title>
      {sentTo ? (
        <Typography.Paragraph role="status">{t('signIn.sent', { email: sentTo })}</Typography.Paragraph>
      ) : (
        <Form layout="vertical" onFinish={(v: { email: string }) => void send(v)} requiredMark={false}>
          <Form.Item label={t('signIn.email')} name="email" rules={[{ required: true, type: 'email' }]}>
            <Input type="email" autoComplete="email" />
          </Form.Item>
          {error != null && <ErrorNote error={error} />}
          <Button type="primary" htmlType="submit" loading={busy} block>
            {t('signIn.send')}
          </Button>
        </Form>
      )}
      <Divider plain>{t('signIn.or')}</Divider>
      <Button href="/auth/login" block>
        {t('signIn.sso')}
      </Button>
    </Card>
  );
}
