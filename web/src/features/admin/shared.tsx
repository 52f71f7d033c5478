/** Pieces the Admin screens share: a secret shown once, role names, a page's heading. */
import { useState, type ReactNode } from 'react';
import { Alert, Button, Space, Tag, Typography } from 'antd';
import { useI18n } from '../../i18n/i18n';
import { useAdminUsers } from './admin-api';

/**
 * A secret (API key, initial token, webhook secret) shown this once, with a copy button and
 * a warning; "Done" forgets it, and nothing in the console can show it again.
 */
export function SecretOnce({ label, secret, onDone }: { label: string; secret: string; onDone: () => void }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(secret);
      setCopied(true);
    } catch {
      setCopied(false);
    }
  };
  return (
    <Alert
      type="warning"
      showIcon
      role="region"
      aria-label={label}
      title={label}
      description={
        <Space orientation="vertical" style={{ width: '100%' }}>
          <Typography.Text>{t('admin.secret.once')}</Typography.Text>
          <code className="admin-secret" aria-label={t('admin.secret.value')}>
            {secret}
          </code>
          <Space wrap>
            <Button onClick={() => void copy()}>{t('admin.secret.copy')}</Button>
            {copied && <span role="status">{t('admin.secret.copied')}</span>}
            <Button type="primary" onClick={onDone}>
              {t('admin.secret.done')}
            </Button>
          </Space>
        </Space>
      }
    />
  );
}

export function RoleTags({ roles }: { roles: string[] }) {
  const { tx } = useI18n();
  return (
    <>
      {roles.map((r) => (
        <Tag key={r}>{tx(`role.${r}`, r)}</Tag>
      ))}
    </>
  );
}

/** A table that scrolls sideways on a narrow screen; focusable, so the keyboard can scroll it. */
export function ScrollTable({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div className="admin-table" role="region" aria-label={label} tabIndex={0}>
      {children}
    </div>
  );
}

export function ScreenTitle({ children }: { children: ReactNode }) {
  return (
    <Typography.Title level={2} className="admin-screen-title">
      {children}
    </Typography.Title>
  );
}

/** A random secret for a webhook (the API takes the one the creator gives it). */
export function randomSecret(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(24));
  return `whsec_${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** A native select of users (keyboard and screen-reader friendly as it is); `empty` names the no-choice option. */
export function UserSelect({ id, value, onChange, empty, activeOnly = false }: { id: string; value: string; onChange: (v: string) => void; empty: string; activeOnly?: boolean }) {
  const users = (useAdminUsers().data?.items ?? []).filter((u) => !activeOnly || u.active);
  return (
    <select id={id} className="admin-select" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{empty}</option>
      {users.map((u) => (
        <option key={u.id} value={u.id}>
          {u.name}
        </option>
      ))}
    </select>
  );
}
