/**
 * Reports: each of the API's reports (GET /v1/reports/<name>) as a chart and the tables of
 * its figures, for a period, a job and a department, with the same figures as a CSV file
 * (the API's ?format=csv, which Excel opens with Chinese text intact). The filters live in
 * the address, so a report can be bookmarked or shared. HR and admin see every department;
 * a hiring manager's reports are their department's (the API decides), so they get no
 * department filter.
 */
import { lazy, Suspense, useId, useMemo } from 'react';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { Card, Grid, Spin, Table, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { api, unwrap } from '../../api/client';
import { isHr, useJobs, useMe } from '../../api/queries';
import type { TMessageKey } from '../../i18n/en';
import { useI18n, type TI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';
import { REPORT_NAMES, REPORT_VIEWS, type TReportName, type TRow, type TTableView } from './report-views';
import './reports.css';

// The chart library is its own chunk, fetched when a report is first shown.
const ReportChart = lazy(() => import('./report-chart'));

const DAY_MS = 86_400_000;
const ymd = (d: Date) => d.toISOString().slice(0, 10);

interface TFilters {
  from: string;
  to: string;
  jobId: string;
  departmentId: string;
}

function useDepartments(enabled: boolean) {
  return useQuery({
    queryKey: ['departments'],
    queryFn: () => unwrap<{ items: { id: string; name: string }[] }>(api.GET('/v1/departments')),
    enabled,
    staleTime: 60_000,
  });
}

/** The query string the API takes: empty filters left out. `to` is a date, so that whole day is in. */
function reportQuery(f: TFilters): Record<string, string> {
  return Object.fromEntries(Object.entries(f).filter(([, v]) => v !== ''));
}

function useReport(name: TReportName, f: TFilters) {
  const query = reportQuery(f);
  return useQuery({
    queryKey: ['report', name, query],
    // One route per report, all with the same filters: typed through the first of them.
    queryFn: () => unwrap<Record<string, unknown>>(api.GET(`/v1/reports/${name}` as '/v1/reports/funnel', { params: { query } })),
    placeholderData: keepPreviousData,
    staleTime: 30_000,
  });
}

/** A figure as text: the field's name says what it is (see report-views.ts). */
function formatValue(field: string, value: unknown, i18n: TI18n): string {
  const { t, tx, number, dateTime } = i18n;
  if (typeof value === 'string' && value !== '') {
    if (field === 'stage') return tx(`stage.${value}`, value);
    if (field === 'assignee') return tx(`role.${value}`, value);
    return /At$/.test(field) ? dateTime(value) : value;
  }
  if (typeof value !== 'number') return '—';
  if (/Seconds$/.test(field)) {
    if (value < 3600) return t('reports.unit.minutes', { n: number(value / 60, 1) });
    if (value < 2 * DAY_MS / 1000) return t('reports.unit.hours', { n: number(value / 3600, 1) });
    return t('reports.unit.days', { n: number(value / 86400, 1) });
  }
  if (/Rate$|^passThrough$/.test(field)) return `${number(value * 100, 1)}%`;
  if (/Days$/.test(field)) return t('reports.unit.days', { n: number(value, 1) });
  return number(value, 2);
}

const fieldLabel = (field: string, i18n: TI18n) => i18n.tx(`reports.field.${field}`, field);

function ReportTable({ view }: { view: TTableView }) {
  const i18n = useI18n();
  const titleId = useId();
  const title = (
    <Typography.Title level={3} id={titleId} className="report-table-title">
      {i18n.t(view.title)}
    </Typography.Title>
  );
  if (view.summary) {
    const row = view.rows[0] ?? {};
    const rows = view.fields.map((f) => ({ key: f, figure: fieldLabel(f, i18n), value: formatValue(f, row[f], i18n) }));
    return (
      <section aria-labelledby={titleId}>
        {title}
        <Table
          size="small"
          pagination={false}
          rowKey="key"
          dataSource={rows}
          columns={[
            { key: 'figure', dataIndex: 'figure', title: i18n.t('reports.figure') },
            { key: 'value', dataIndex: 'value', title: i18n.t('reports.value'), align: 'right' },
          ]}
        />
      </section>
    );
  }
  const data = view.rows.map((r, i) => ({ ...r, __key: i }));
  return (
    // The section scrolls sideways on a narrow screen, so it takes focus (keyboard users can scroll it).
    <section aria-labelledby={titleId} className="report-table-scroll" tabIndex={0}>
      {title}
      <Table<TRow>
        size="small"
        rowKey="__key"
        pagination={data.length > 20 ? { pageSize: 20, showSizeChanger: false } : false}
        dataSource={data}
        locale={{ emptyText: i18n.t('reports.empty') }}
        columns={view.fields.map((f) => ({
          key: f,
          dataIndex: f,
          title: fieldLabel(f, i18n),
          align: typeof view.rows[0]?.[f] === 'number' ? ('right' as const) : undefined,
          render: (v: unknown) => formatValue(f, v, i18n),
        }))}
      />
    </section>
  );
}

function ReportPanel({ name, filters }: { name: TReportName; filters: TFilters }) {
  const i18n = useI18n();
  const { t } = i18n;
  const report = useReport(name, filters);
  const screens = Grid.useBreakpoint();
  const view = useMemo(() => (report.data ? REPORT_VIEWS[name](report.data) : null), [name, report.data]);
  const chart = useMemo(() => {
    if (!view) return null;
    return {
      categories: view.chart.categories.map((c) => (c.field ? formatValue(c.field, c.value, i18n) : fieldLabel(String(c.value), i18n))),
      series: view.chart.series.map((s) => ({ name: t(s.label), values: s.values })),
    };
  }, [view, i18n, t]);
  const csv = `/v1/reports/${name}?${new URLSearchParams({ ...reportQuery(filters), format: 'csv' }).toString()}`;

  if (report.error) return <ErrorNote error={report.error} onRetry={() => void report.refetch()} />;
  if (!view || !chart) return <Spin aria-label={t('common.loading')} />;
  const title = t(`reports.name.${name}` as TMessageKey);
  return (
    <div className="report-panel" aria-busy={report.isFetching}>
      <Typography.Paragraph className="report-about">{t(`reports.about.${name}` as TMessageKey)}</Typography.Paragraph>
      {/* The API says when its percentiles come from a histogram, and how far off they may be. */}
      {typeof report.data?.percentileMaxRelativeError === 'number' && (
        <Typography.Paragraph role="note" type="secondary">
          {t('reports.approximate', { percent: String(report.data.percentileMaxRelativeError * 100) })}
        </Typography.Paragraph>
      )}
      <a className="report-csv" href={csv} download>
        {t('reports.csv')}
      </a>
      <Card size="small" className="report-chart-card">
        {chart.categories.length === 0 ? (
          <Typography.Text>{t('reports.empty')}</Typography.Text>
        ) : (
          <Suspense fallback={<Spin aria-label={t('common.loading')} />}>
            <ReportChart
              label={t('reports.chartOf', { report: title })}
              categories={chart.categories}
              series={chart.series}
              horizontal={!screens.md}
            />
          </Suspense>
        )}
      </Card>
      {view.tables.map((tv) => (
        <ReportTable key={tv.title} view={tv} />
      ))}
    </div>
  );
}

export function ReportsPage() {
  const { t } = useI18n();
  const me = useMe();
  const hr = me.data ? isHr(me.data) : false;
  const jobs = useJobs();
  const departments = useDepartments(hr);
  const [params, setParams] = useSearchParams();
  const today = new Date();
  const filters: TFilters = {
    from: params.get('from') ?? ymd(new Date(today.getTime() - 30 * DAY_MS)),
    to: params.get('to') ?? ymd(today),
    jobId: params.get('jobId') ?? '',
    departmentId: hr ? (params.get('departmentId') ?? '') : '',
  };
  const name = (REPORT_NAMES as readonly string[]).includes(params.get('report') ?? '') ? (params.get('report') as TReportName) : 'funnel';
  const set = (key: string, value: string) =>
    setParams(
      (p) => {
        const next = new URLSearchParams(p);
        if (value) next.set(key, value);
        else next.delete(key);
        return next;
      },
      { replace: true },
    );
  const ids = { from: useId(), to: useId(), job: useId(), department: useId() };
  const jobItems = (jobs.data?.items ?? []).filter((j) => !filters.departmentId || j.departmentId === filters.departmentId);

  return (
    <>
      <Typography.Title level={1} className="report-page-title">
        {t('reports.title')}
      </Typography.Title>
      <form className="report-filters" aria-label={t('reports.filters')} onSubmit={(e) => e.preventDefault()}>
        <label htmlFor={ids.from}>{t('reports.from')}</label>
        <input id={ids.from} type="date" value={filters.from} max={filters.to} required onChange={(e) => set('from', e.target.value)} />
        <label htmlFor={ids.to}>{t('reports.to')}</label>
        <input id={ids.to} type="date" value={filters.to} min={filters.from} required onChange={(e) => set('to', e.target.value)} />
        {hr && (
          <>
            <label htmlFor={ids.department}>{t('reports.department')}</label>
            <select id={ids.department} value={filters.departmentId} onChange={(e) => set('departmentId', e.target.value)}>
              <option value="">{t('reports.all')}</option>
              {(departments.data?.items ?? []).map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </>
        )}
        <label htmlFor={ids.job}>{t('reports.job')}</label>
        <select id={ids.job} value={filters.jobId} onChange={(e) => set('jobId', e.target.value)}>
          <option value="">{t('reports.all')}</option>
          {jobItems.map((j) => (
            <option key={j.id} value={j.id}>
              {j.title}
            </option>
          ))}
        </select>
      </form>
      {/* Links that wrap rather than tabs that scroll: every report stays one tap away at 390 px. */}
      <nav aria-label={t('reports.which')}>
        <ul className="report-list">
          {REPORT_NAMES.map((r) => {
            const next = new URLSearchParams(params);
            next.set('report', r);
            return (
              <li key={r}>
                <Link to={{ search: next.toString() }} replace aria-current={r === name ? 'page' : undefined}>
                  {t(`reports.name.${r}` as TMessageKey)}
                </Link>
              </li>
            );
          })}
        </ul>
      </nav>
      <Typography.Title level={2} className="report-name">
        {t(`reports.name.${name}` as TMessageKey)}
      </Typography.Title>
      <ReportPanel key={name} name={name} filters={filters} />
    </>
  );
}
