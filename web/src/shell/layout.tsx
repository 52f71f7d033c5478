/** The frame of every screen: navigation, language, who is signed in; the sign-in screen on a 401. */
import { lazy, Suspense, useEffect, useState } from 'react';
import { Layout as AntLayout, Spin, Typography } from 'antd';
import { NavLink, Outlet } from 'react-router';
import { onUnauthenticated } from '../api/client';
import { useMe } from '../api/queries';
import { LANGS, useI18n, type TLang } from '../i18n/i18n';
import { ErrorNote } from './error-note';
import './layout.css';

const SignIn = lazy(async () => ({ default: (await import('../features/auth/sign-in')).SignIn }));

export function Layout() {
  const { t, lang, setLang } = useI18n();
  const me = useMe();
  const [signedOut, setSignedOut] = useState(false);
  useEffect(() => onUnauthenticated(() => setSignedOut(true)), []);

  const unauthenticated = signedOut || me.error?.status === 401;
  const languageNames: Record<TLang, string> = { en: 'English', 'zh-CN': '简体中文' };
  return (
    <AntLayout className="shell">
      <header className="shell-header">
        <Typography.Text strong className="shell-title">
          {t('app.title')}
        </Typography.Text>
        {!unauthenticated && me.data && (
          <nav aria-label={t('nav.main')} className="shell-nav">
            <NavLink to="/" end>
              {t('nav.myWork')}
            </NavLink>
            <NavLink to="/jobs">{t('nav.jobs')}</NavLink>
            <NavLink to="/approvals">{t('nav.approvals')}</NavLink>
            {me.data.roles.some((r) => r === 'admin' || r === 'hr' || r === 'hiring_manager') && <NavLink to="/reports">{t('nav.reports')}</NavLink>}
            {me.data.roles.some((r) => r === 'admin' || r === 'hr') && <NavLink to="/admin">{t('admin.nav.entry')}</NavLink>}
          </nav>
        )}
        <div className="shell-tools">
          {me.data && !unauthenticated && <span className="shell-user">{me.data.name}</span>}
          {/* A native select: small, and keyboard and screen-reader friendly as it is. */}
          <select aria-label={t('nav.language')} className="shell-lang" value={lang} onChange={(e) => setLang(e.target.value as TLang)}>
            {LANGS.map((l) => (
              <option key={l} value={l}>
                {languageNames[l]}
              </option>
            ))}
          </select>
        </div>
      </header>
      <main className="shell-main">
        {unauthenticated ? (
          <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
            <SignIn />
          </Suspense>
        ) : me.isPending ? (
          <Spin aria-label={t('common.loading')} />
        ) : me.error ? (
          <ErrorNote error={me.error} onRetry={() => void me.refetch()} />
        ) : (
          <Outlet />
        )}
      </main>
    </AntLayout>
  );
}
