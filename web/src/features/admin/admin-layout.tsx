/**
 * The Admin area: a sub-navigation of the screens this person may use, and a refusal for
 * everyone else (the API refuses them too; this only says so in words).
 */
import { Alert, Typography } from 'antd';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useMe } from '../../api/queries';
import { useI18n } from '../../i18n/i18n';
import type { TAdminKey } from '../../i18n/admin.en';
import { isAdmin, mayAdminister } from './admin-api';
import './admin.css';

/** Each screen and whether HR (not only admins) may use it, as the API's routes allow. */
export const ADMIN_SCREENS: { path: string; label: TAdminKey; hr: boolean }[] = [
  { path: 'users', label: 'admin.nav.users', hr: true },
  { path: 'api-keys', label: 'admin.nav.apiKeys', hr: false },
  { path: 'departments', label: 'admin.nav.departments', hr: true },
  { path: 'jobs', label: 'admin.nav.jobs', hr: true },
  { path: 'settings', label: 'admin.nav.settings', hr: false },
  { path: 'webhooks', label: 'admin.nav.webhooks', hr: false },
  { path: 'audit', label: 'admin.nav.audit', hr: false },
];

export function AdminLayout() {
  const { t } = useI18n();
  const me = useMe().data;
  const { pathname } = useLocation();
  if (!me) return null;
  const admin = isAdmin(me);
  const screens = ADMIN_SCREENS.filter((s) => admin || s.hr);
  const current = ADMIN_SCREENS.find((s) => pathname.split('/').includes(s.path));
  const allowed = mayAdminister(me) && (!current || admin || current.hr);
  return (
    <>
      <Typography.Title level={1} className="admin-title">
        {t('admin.title')}
      </Typography.Title>
      {!allowed ? (
        <Alert role="alert" type="error" showIcon title={t('admin.refused')} />
      ) : (
        <div className="admin-frame">
          <nav aria-label={t('admin.nav.label')} className="admin-nav">
            {screens.map((s) => (
              <NavLink key={s.path} to={`/admin/${s.path}`}>
                {t(s.label)}
              </NavLink>
            ))}
          </nav>
          <div className="admin-body">
            <Outlet />
          </div>
        </div>
      )}
    </>
  );
}
