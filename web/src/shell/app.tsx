/**
 * Providers and routes. Each screen is its own chunk (route-level code splitting), so the
 * first screen loads only the shell and itself.
 */
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { App as AntApp, ConfigProvider } from 'antd';
import enUS from 'antd/locale/en_US';
import zhCN from 'antd/locale/zh_CN';
import { createBrowserRouter, RouterProvider } from 'react-router';
import { I18nProvider, useI18n } from '../i18n/i18n';
import { Layout } from './layout';

const queryClient = new QueryClient({
  defaultOptions: { queries: { refetchOnWindowFocus: true, staleTime: 2_000 } },
});

const router = createBrowserRouter(
  [
    {
      path: '/',
      Component: Layout,
      children: [
        { index: true, lazy: async () => ({ Component: (await import('../features/my-work/my-work-page')).MyWorkPage }) },
        { path: 'jobs', lazy: async () => ({ Component: (await import('../features/jobs/jobs-page')).JobsPage }) },
        { path: 'jobs/:jobId', lazy: async () => ({ Component: (await import('../features/jobs/job-page')).JobPage }) },
        {
          path: 'applications/:id',
          lazy: async () => ({ Component: (await import('../features/candidates/candidate-page')).CandidatePage }),
        },
        { path: 'approvals', lazy: async () => ({ Component: (await import('../features/approvals/approvals-page')).ApprovalsPage }) },
        { path: 'reports', lazy: async () => ({ Component: (await import('../features/reports/reports-page')).ReportsPage }) },
        {
          // The Admin area: its frame and each screen are chunks of their own.
          path: 'admin',
          lazy: async () => ({ Component: (await import('../features/admin/admin-layout')).AdminLayout }),
          children: [
            { index: true, lazy: async () => ({ Component: (await import('../features/admin/admin-index')).AdminIndex }) },
            { path: 'users', lazy: async () => ({ Component: (await import('../features/admin/users-page')).UsersPage }) },
            { path: 'api-keys', lazy: async () => ({ Component: (await import('../features/admin/api-keys-page')).ApiKeysPage }) },
            { path: 'departments', lazy: async () => ({ Component: (await import('../features/admin/departments-page')).DepartmentsPage }) },
            { path: 'jobs', lazy: async () => ({ Component: (await import('../features/admin/jobs-admin-page')).JobsAdminPage }) },
            { path: 'settings', lazy: async () => ({ Component: (await import('../features/admin/settings-page')).SettingsPage }) },
            { path: 'webhooks', lazy: async () => ({ Component: (await import('../features/admin/webhooks-page')).WebhooksPage }) },
            { path: 'audit', lazy: async () => ({ Component: (await import('../features/admin/audit-page')).AuditPage }) },
          ],
        },
      ],
    },
  ],
  { basename: '/app' },
);

/** Text colours darkened from Ant Design's defaults so every text meets WCAG AA contrast (axe checks it). */
const THEME = {
  token: {
    colorPrimary: '#1f5fbf',
    // Hovered and pressed default buttons take these as their text colour: Ant Design's lighter
    // defaults fall below AA on white (axe caught "Save draft" under the pointer after a click).
    colorPrimaryHover: '#1a4f9f',
    colorPrimaryActive: '#143f7f',
    colorErrorHover: '#991b1b',
    colorErrorActive: '#7f1d1d',
    colorLink: '#1a4f9f',
    colorError: '#b91c1c',
    colorTextSecondary: 'rgba(0, 0, 0, 0.68)',
    colorTextTertiary: 'rgba(0, 0, 0, 0.64)',
    colorTextDescription: 'rgba(0, 0, 0, 0.64)',
    colorTextPlaceholder: 'rgba(0, 0, 0, 0.6)',
  },
};

function Themed() {
  const { lang } = useI18n();
  return (
    // No space inserted between two Chinese characters of a button: its name stays the word (处理, not 处 理) for screen readers.
    <ConfigProvider locale={lang === 'zh-CN' ? zhCN : enUS} theme={THEME} button={{ autoInsertSpace: false }}>
      <AntApp>
        <RouterProvider router={router} />
      </AntApp>
    </ConfigProvider>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <I18nProvider>
        <Themed />
      </I18nProvider>
    </QueryClientProvider>
  );
}
