/**
 * How each report (GET /v1/reports/<name>, docs/reports.md) is shown: one chart and the
 * tables of its figures. Columns are the API's own field names; their headings are the
 * `reports.field.<name>` strings and their formatting follows the field's name (…Seconds a
 * duration, …Rate a percentage, …At a time, …Days days), so a table never re-derives a figure.
 */
import type { TMessageKey } from '../../i18n/en';

export const REPORT_NAMES = ['funnel', 'stage-times', 'decision-promise', 'approvals', 'offers', 'communications', 'onboarding', 'hiring-quality'] as const;
export type TReportName = (typeof REPORT_NAMES)[number];

export type TRow = Record<string, unknown>;

export interface TTableView {
  title: TMessageKey;
  /** A one-row summary is shown as a two-column table (figure, value): readable at 390 px. */
  summary?: boolean;
  fields: string[];
  rows: TRow[];
}

export interface TChartView {
  /** Chart categories: a row's field, or for a summary the fields themselves. */
  categories: { field: string; value: unknown }[];
  series: { label: TMessageKey; values: (number | null)[] }[];
}

export interface TReportView {
  chart: TChartView;
  tables: TTableView[];
}

const HOUR = 3600;
const hours = (secs: unknown) => (typeof secs === 'number' ? Math.round((secs / HOUR) * 10) / 10 : null);
const num = (v: unknown) => (typeof v === 'number' ? v : null);

/** Per-row chart: `field` names each bar group, each series takes a numeric field of the rows. */
function rowsChart(rows: TRow[], field: string, series: [TMessageKey, string, ((v: unknown) => number | null)?][]): TChartView {
  return {
    categories: rows.map((r) => ({ field, value: r[field] })),
    series: series.map(([label, key, map = num]) => ({ label, values: rows.map((r) => map(r[key])) })),
  };
}

/** A chart of one summary row's counts: one bar per field. */
function countsChart(row: TRow, fields: string[]): TChartView {
  return {
    categories: fields.map((f) => ({ field: '', value: f })),
    series: [{ label: 'reports.series.count', values: fields.map((f) => num(row[f])) }],
  };
}

type Data = Record<string, unknown>;
const list = (d: Data, key: string) => (d[key] ?? []) as TRow[];
const fieldsOf = (rows: TRow[], fallback: string[]) => (rows[0] ? Object.keys(rows[0]) : fallback);

export const REPORT_VIEWS: Record<TReportName, (d: Data) => TReportView> = {
  funnel: (d) => {
    const rows = list(d, 'stages');
    return {
      chart: rowsChart(rows, 'stage', [
        ['reports.field.entered', 'entered'],
        ['reports.field.movedOn', 'movedOn'],
      ]),
      tables: [
        {
          title: 'reports.table.stages',
          fields: ['stage', 'entered', 'movedOn', 'passThrough', 'rejected', 'withdrawn', 'declined', 'expired', 'stillThere'],
          rows,
        },
      ],
    };
  },
  'stage-times': (d) => {
    const rows = list(d, 'stages');
    return {
      chart: rowsChart(rows, 'stage', [
        ['reports.series.p50Hours', 'p50Seconds', hours],
        ['reports.series.p90Hours', 'p90Seconds', hours],
      ]),
      tables: [
        {
          title: 'reports.table.stages',
          fields: ['stage', 'completed', 'p50Seconds', 'p90Seconds', 'maxSeconds', 'current', 'currentP50Seconds', 'currentMaxSeconds'],
          rows,
        },
      ],
    };
  },
  'decision-promise': (d) => ({
    chart: countsChart(d, ['keptInTime', 'late', 'lateOpen', 'pending', 'withdrawn']),
    tables: [
      {
        title: 'reports.table.summary',
        summary: true,
        fields: ['due', 'keptInTime', 'late', 'lateOpen', 'pending', 'withdrawn', 'keptRate', 'lateP50Seconds', 'lateMaxSeconds'],
        rows: [d],
      },
      { title: 'reports.table.lateList', fields: ['applicationId', 'dueAt', 'decidedAt', 'lateSeconds'], rows: list(d, 'lateList') },
    ],
  }),
  approvals: (d) => {
    const levels = list(d, 'levels');
    return {
      chart: rowsChart(levels, 'level', [
        ['reports.series.p50Hours', 'p50Seconds', hours],
        ['reports.series.p90Hours', 'p90Seconds', hours],
      ]),
      tables: [
        { title: 'reports.table.levels', fields: ['level', 'decided', 'approved', 'rejected', 'delegated', 'p50Seconds', 'p90Seconds'], rows: levels },
        {
          title: 'reports.table.approvers',
          fields: ['name', 'decided', 'approved', 'rejected', 'delegated', 'remindersSent', 'p50Seconds', 'p90Seconds'],
          rows: list(d, 'approvers'),
        },
        {
          title: 'reports.table.rejections',
          fields: ['applicationId', 'version', 'level', 'name', 'comment', 'decidedAt'],
          rows: list(d, 'rejections'),
        },
      ],
    };
  },
  offers: (d) => ({
    chart: countsChart(d, ['sent', 'viewed', 'accepted', 'declined', 'expired', 'superseded']),
    tables: [
      {
        title: 'reports.table.summary',
        summary: true,
        // Every figure of the report but its statement about the percentiles (shown as a note).
        fields: fieldsOf([d], ['sent']).filter((f) => f !== 'percentileMaxRelativeError'),
        rows: [d],
      },
    ],
  }),
  communications: (d) => {
    const rows = list(d, 'templates').map((r) => ({ ...r, message: `${String(r.template)} · ${String(r.locale)}` }));
    return {
      chart: rowsChart(rows, 'message', [
        ['reports.field.sent', 'sent'],
        ['reports.field.opened', 'opened'],
        ['reports.field.failed', 'failed'],
      ]),
      tables: [
        { title: 'reports.table.messages', fields: ['template', 'locale', 'channel', 'created', 'sent', 'failed', 'opened', 'openRate'], rows },
      ],
    };
  },
  onboarding: (d) => {
    const tasks = list(d, 'tasks');
    const courses = (d.courses ?? {}) as TRow;
    return {
      chart: rowsChart(tasks, 'assignee', [
        ['reports.field.onTime', 'onTime'],
        ['reports.field.late', 'late'],
        ['reports.field.open', 'open'],
      ]),
      tables: [
        {
          title: 'reports.table.summary',
          summary: true,
          fields: [
            'started',
            'hired',
            'documentsRejected',
            'passedFirstAttempt',
            'passedAfterRetake',
            'notPassed',
            'acceptedToHiredP50Days',
            'acceptedToHiredP90Days',
          ],
          rows: [{ ...d, ...courses }],
        },
        { title: 'reports.table.tasks', fields: ['assignee', 'onTime', 'late', 'open'], rows: tasks },
      ],
    };
  },
  'hiring-quality': (d) => {
    const agreement = list(d, 'agreement');
    return {
      chart: rowsChart(agreement, 'competency', [
        ['reports.field.meanAi', 'meanAi'],
        ['reports.field.meanHuman', 'meanHuman'],
      ]),
      tables: [
        {
          title: 'reports.table.agreement',
          fields: ['competency', 'evaluated', 'meanAi', 'meanHuman', 'meanGap', 'meanAbsGap', 'humanHigher', 'humanLower', 'equal'],
          rows: agreement,
        },
        {
          title: 'reports.table.discrepancies',
          fields: ['rule', 'found', 'high', 'confirmed', 'dismissed', 'retest', 'unresolved'],
          rows: list(d, 'discrepancies'),
        },
      ],
    };
  },
};
