/**
 * Jobs (admins and HR): open and closed, a new job and changes to one, with the competency
 * model editor. The form is checked in the browser with the API's own schema before it is
 * sent; what the API still refuses (a department that is gone) lands on the same fields.
 */
import { useId, useState } from 'react';
import { Button, Card, Form, Input, InputNumber, Space, Table, Tag, Typography } from 'antd';
import { api, unwrap } from '../../api/client';
import { useJob } from '../../api/queries';
import type { TJob } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';
import { useAdminJobs, useAdminMutation, useDepartments, type TJobItem } from './admin-api';
import { apiIssues, useFieldStatus, type TIssue } from './issues';
import { createBody, createIssues, editIssues, emptyCompetency, emptyJob, type TCompetencyDraft, type TJobDraft } from './job-draft';
import { ScrollTable, ScreenTitle } from './shared';

function draftOf(job: TJob): TJobDraft {
  return {
    ...emptyJob(),
    title: job.title,
    departmentId: job.departmentId,
    status: (job as { status?: string }).status === 'closed' ? 'closed' : 'open',
    competencies: job.competencies.map((c) => ({
      key: c.key,
      name: c.name,
      weight: c.weight,
      requiredLevel: c.requiredLevel,
      passScore: c.passScore,
      skills: (c.skills ?? []).join(', '),
    })),
  };
}

function CompetencyFields({
  index,
  value,
  onChange,
  onRemove,
  status,
}: {
  index: number;
  value: TCompetencyDraft;
  onChange: (c: TCompetencyDraft) => void;
  onRemove?: () => void;
  status: ReturnType<typeof useFieldStatus>;
}) {
  const { t } = useI18n();
  const base = useId();
  const at = (f: string) => status(`competencies.${index}.${f}`);
  const set = (patch: Partial<TCompetencyDraft>) => onChange({ ...value, ...patch });
  return (
    <fieldset className="admin-competency">
      <legend>{t('admin.jobs.competencyN', { n: index + 1 })}</legend>
      <div className="admin-row">
        <Form.Item label={t('admin.jobs.key')} htmlFor={`${base}k`} {...at('key')}>
          <Input id={`${base}k`} value={value.key} onChange={(e) => set({ key: e.target.value })} autoComplete="off" />
        </Form.Item>
        <Form.Item label={t('admin.jobs.competencyName')} htmlFor={`${base}n`} {...at('name')}>
          <Input id={`${base}n`} value={value.name} onChange={(e) => set({ name: e.target.value })} autoComplete="off" />
        </Form.Item>
        <Form.Item label={t('admin.jobs.weight')} htmlFor={`${base}w`} {...at('weight')}>
          <InputNumber id={`${base}w`} value={value.weight} onChange={(v) => set({ weight: v })} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label={t('admin.jobs.requiredLevel')} htmlFor={`${base}r`} {...at('requiredLevel')}>
          <InputNumber id={`${base}r`} value={value.requiredLevel} onChange={(v) => set({ requiredLevel: v })} style={{ width: '100%' }} />
        </Form.Item>
        <Form.Item label={t('admin.jobs.passScore')} htmlFor={`${base}p`} {...at('passScore')}>
          <InputNumber id={`${base}p`} value={value.passScore} onChange={(v) => set({ passScore: v })} style={{ width: '100%' }} />
        </Form.Item>
      </div>
      <Form.Item label={t('admin.jobs.skills')} htmlFor={`${base}s`} extra={t('admin.jobs.skillsHint')} {...at('skills')}>
        <Input id={`${base}s`} value={value.skills} onChange={(e) => set({ skills: e.target.value })} autoComplete="off" />
      </Form.Item>
      {onRemove && (
        <Button size="small" danger onClick={onRemove}>
          {t('admin.jobs.removeCompetency', { n: index + 1 })}
        </Button>
      )}
    </fieldset>
  );
}

function JobEditor({ job, onDone }: { job?: TJob; onDone: () => void }) {
  const { t } = useI18n();
  const ids = { title: useId(), dept: useId(), min: useId(), max: useId(), cur: useId(), period: useId(), ai: useId(), human: useId(), status: useId() };
  const departments = useDepartments().data?.items ?? [];
  const [draft, setDraft] = useState<TJobDraft>(() => (job ? draftOf(job) : emptyJob()));
  const [localIssues, setLocalIssues] = useState<TIssue[]>([]);
  // Sent only once the schema passed it (submit below), so the draft's optional numbers are all
  // there: the casts say so to the contract's types, which know nothing of the check.
  const save = useAdminMutation(
    (d: TJobDraft) =>
      job
        ? unwrap(
            api.PATCH('/v1/jobs/{id}', {
              params: { path: { id: job.id } },
              body: { title: d.title, status: d.status, competencies: createBody(d).competencies as never },
            }),
          )
        : unwrap(api.POST('/v1/jobs', { body: createBody(d) as never })),
    [['jobs'], ['job', job?.id ?? '']],
  );
  const issues = localIssues.length ? localIssues : apiIssues(save.error);
  const status = useFieldStatus(issues);
  const set = (patch: Partial<TJobDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setCompetency = (i: number, c: TCompetencyDraft) => set({ competencies: draft.competencies.map((x, j) => (j === i ? c : x)) });
  const submit = () => {
    const found = job ? editIssues(job, draft) : createIssues(draft);
    setLocalIssues(found);
    if (found.length) return;
    save.mutate(draft, { onSuccess: onDone });
  };
  return (
    <Card size="small" title={job ? t('admin.jobs.editing', { title: job.title }) : t('admin.jobs.create')}>
      <Form layout="vertical" onFinish={submit}>
        <div className="admin-row">
          <Form.Item label={t('admin.jobs.title')} htmlFor={ids.title} {...status('title')}>
            <Input id={ids.title} value={draft.title} onChange={(e) => set({ title: e.target.value })} autoComplete="off" />
          </Form.Item>
          {job ? (
            <Form.Item label={t('admin.jobs.status')} htmlFor={ids.status} {...status('status')}>
              <select id={ids.status} className="admin-select" value={draft.status} onChange={(e) => set({ status: e.target.value as 'open' | 'closed' })}>
                <option value="open">{t('admin.jobs.open')}</option>
                <option value="closed">{t('admin.jobs.closed')}</option>
              </select>
            </Form.Item>
          ) : (
            <Form.Item label={t('admin.jobs.department')} htmlFor={ids.dept} {...status('departmentId')}>
              <select id={ids.dept} className="admin-select" value={draft.departmentId} onChange={(e) => set({ departmentId: e.target.value })}>
                <option value="">{t('admin.jobs.pickDepartment')}</option>
                {departments.map((d) => (
                  <option key={d.id} value={d.id}>
                    {d.name}
                  </option>
                ))}
              </select>
            </Form.Item>
          )}
        </div>
        {!job && (
          <>
            <div className="admin-row">
              <Form.Item label={t('admin.jobs.salaryMin')} htmlFor={ids.min} {...status('salaryBand.min')}>
                <InputNumber id={ids.min} value={draft.salaryMin} onChange={(v) => set({ salaryMin: v })} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item label={t('admin.jobs.salaryMax')} htmlFor={ids.max} {...status('salaryBand.max')}>
                <InputNumber id={ids.max} value={draft.salaryMax} onChange={(v) => set({ salaryMax: v })} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item label={t('admin.jobs.currency')} htmlFor={ids.cur} {...status('salaryBand.currency')}>
                <Input id={ids.cur} value={draft.currency} onChange={(e) => set({ currency: e.target.value })} autoComplete="off" />
              </Form.Item>
              <Form.Item label={t('admin.jobs.period')} htmlFor={ids.period}>
                <select id={ids.period} className="admin-select" value={draft.period} onChange={(e) => set({ period: e.target.value as TJobDraft['period'] })}>
                  <option value="year">{t('admin.jobs.perYear')}</option>
                  <option value="month">{t('admin.jobs.perMonth')}</option>
                  <option value="hour">{t('admin.jobs.perHour')}</option>
                </select>
              </Form.Item>
            </div>
            <Typography.Paragraph>{t('admin.jobs.weightsHint')}</Typography.Paragraph>
            <div className="admin-row">
              <Form.Item label={t('admin.jobs.aiWeight')} htmlFor={ids.ai} {...status('weights.ai')}>
                <InputNumber id={ids.ai} step={0.05} value={draft.ai} onChange={(v) => set({ ai: v })} style={{ width: '100%' }} />
              </Form.Item>
              <Form.Item label={t('admin.jobs.humanWeight')} htmlFor={ids.human} {...status('weights.human')}>
                <InputNumber id={ids.human} step={0.05} value={draft.human} onChange={(v) => set({ human: v })} style={{ width: '100%' }} />
              </Form.Item>
            </div>
          </>
        )}
        <Typography.Title level={3} className="admin-screen-title">
          {t('admin.jobs.model')}
        </Typography.Title>
        <Typography.Paragraph>{t('admin.jobs.modelHint')}</Typography.Paragraph>
        {draft.competencies.map((c, i) => (
          <CompetencyFields
            key={i}
            index={i}
            value={c}
            status={status}
            onChange={(next) => setCompetency(i, next)}
            onRemove={draft.competencies.length > 1 ? () => set({ competencies: draft.competencies.filter((_, j) => j !== i) }) : undefined}
          />
        ))}
        {localIssues.length > 0 && (
          <div role="alert" className="ant-form-item-explain-error">
            {t('admin.jobs.fixFields', { n: localIssues.length })}
          </div>
        )}
        {save.error && <ErrorNote error={save.error} onRetry={submit} />}
        <Space wrap>
          <Button onClick={() => set({ competencies: [...draft.competencies, emptyCompetency()] })}>{t('admin.jobs.addCompetency')}</Button>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {job ? t('common.save') : t('admin.jobs.createButton')}
          </Button>
          <Button onClick={onDone}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

function EditJob({ id, onDone }: { id: string; onDone: () => void }) {
  const job = useJob(id);
  if (job.error) return <ErrorNote error={job.error} onRetry={() => void job.refetch()} />;
  return job.data ? <JobEditor job={job.data} onDone={onDone} /> : null;
}

export function JobsAdminPage() {
  const { t, dateTime } = useI18n();
  const jobs = useAdminJobs();
  const departments = useDepartments().data?.items ?? [];
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <>
      <ScreenTitle>{t('admin.nav.jobs')}</ScreenTitle>
      {editing === 'new' ? (
        <JobEditor onDone={() => setEditing(null)} />
      ) : editing ? (
        <EditJob key={editing} id={editing} onDone={() => setEditing(null)} />
      ) : (
        <div>
          <Button type="primary" onClick={() => setEditing('new')}>
            {t('admin.jobs.new')}
          </Button>
        </div>
      )}
      {jobs.error && <ErrorNote error={jobs.error} onRetry={() => void jobs.refetch()} />}
      <ScrollTable label={t('admin.nav.jobs')}>
        <Table<TJobItem>
          size="small"
          rowKey="id"
          loading={jobs.isPending}
          dataSource={jobs.data?.items ?? []}
          pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
          columns={[
            { key: 'title', title: t('admin.jobs.title'), dataIndex: 'title' },
            { key: 'dept', title: t('admin.jobs.department'), render: (_, j) => departments.find((d) => d.id === j.departmentId)?.name ?? '—' },
            {
              key: 'status',
              title: t('admin.jobs.status'),
              render: (_, j) => (j.status === 'open' ? <Tag color="#166534">{t('admin.jobs.open')}</Tag> : <Tag color="#4b5563">{t('admin.jobs.closed')}</Tag>),
            },
            { key: 'version', title: t('admin.jobs.version'), dataIndex: 'version' },
            { key: 'created', title: t('admin.jobs.created'), render: (_, j) => dateTime(j.createdAt) },
            {
              key: 'edit',
              title: t('admin.actions'),
              render: (_, j) => (
                <Button size="small" aria-label={t('admin.jobs.editJob', { title: j.title })} onClick={() => setEditing(j.id)}>
                  {t('admin.edit')}
                </Button>
              ),
            },
          ]}
        />
      </ScrollTable>
    </>
  );
}
