/**
 * The new hire's onboarding on the candidate page: start date, mentor, tasks grouped by
 * assignee (complete those the person may: the task's role, the named mentor, or HR),
 * documents (HR views and rejects with a reason), and courses with their results.
 * Tasks and courses come from the application's status; documents from the employee.
 */
import { useState } from 'react';
import { Button, Card, Descriptions, Input, InputNumber, List, Tag, Typography } from 'antd';
import { api, unwrap, type ApiError } from '../../api/client';
import { isHr, useApplicationAction, useEmployee } from '../../api/queries';
import type { TApplication, TCourseRecord, TEmployee, TMe, TOnboardingTask } from '../../api/responses';
import { useI18n } from '../../i18n/i18n';
import { Due, useWho } from '../../shell/bits';
import { ErrorNote, fieldError } from '../../shell/error-note';
import './onboarding.css';

const ASSIGNEES = ['candidate', 'hr', 'it', 'mentor'] as const;

/** The workflow's rule (workflows/phases/onboarding/rules.ts mayComplete), so only usable buttons show. */
export function mayCompleteTask(task: TOnboardingTask, me: TMe, mentorUserId: string | null): boolean {
  if (task.status !== 'open') return false;
  if (isHr(me)) return true;
  if (task.assignee === 'it') return me.roles.includes('it');
  if (task.assignee === 'mentor') return me.userId === mentorUserId || me.roles.includes('mentor');
  return false;
}

/** One text field and one button, submitted by Enter or the button; the error shows under it and nothing typed is lost. */
function TextActionForm(props: {
  formLabel?: string;
  fieldLabel: string;
  placeholder: string;
  button: string;
  danger?: boolean;
  requireText?: boolean;
  run: (text: string) => void;
  pending: boolean;
  error: ApiError | null;
  errorField?: string;
}) {
  const { t } = useI18n();
  const [text, setText] = useState('');
  const submit = () => props.run(text.trim());
  const refused = props.errorField ? fieldError(props.error, props.errorField, t) : {};
  return (
    <form
      aria-label={props.formLabel}
      className="onboarding-complete"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Input
        aria-label={props.fieldLabel}
        placeholder={props.placeholder}
        value={text}
        onChange={(e) => setText(e.target.value)}
        status={refused.help ? 'error' : undefined}
      />
      {refused.help && <span className="field-error">{refused.help}</span>}
      <Button type={props.danger ? 'default' : 'primary'} danger={props.danger} htmlType="submit" disabled={props.requireText && !text.trim()} loading={props.pending}>
        {props.button}
      </Button>
      {props.error && <ErrorNote error={props.error} onRetry={submit} />}
    </form>
  );
}

function CompleteTask({ a, employeeId, task }: { a: TApplication; employeeId: string; task: TOnboardingTask }) {
  const { t } = useI18n();
  const complete = useApplicationAction(a.id, (note: string) =>
    unwrap(
      api.POST('/v1/employees/{id}/onboarding/tasks/{taskKey}/complete', {
        params: { path: { id: employeeId, taskKey: task.key } },
        body: note ? { note } : {},
      }),
    ),
  );
  return (
    <TextActionForm
      formLabel={t('onboarding.completeTask', { title: task.title })}
      fieldLabel={t('onboarding.noteFor', { title: task.title })}
      placeholder={t('candidate.note')}
      button={t('onboarding.complete')}
      run={(note) => complete.mutate(note)}
      pending={complete.isPending}
      error={complete.error}
      errorField="note"
    />
  );
}

/** Who may record a course result: the API's roles for the LMS route (admin, HR, integrator). */
export const mayRecordCourse = (me: TMe) => isHr(me) || me.roles.includes('integrator');

/** A course result typed in by HR (or an integrator) when there is no LMS; a refused score shows next to its field. */
function RecordCourseResult({ a, employeeId, course }: { a: TApplication; employeeId: string; course: TCourseRecord }) {
  const { t } = useI18n();
  const [score, setScore] = useState<number | null>(null);
  const record = useApplicationAction(a.id, (value: number) =>
    unwrap(api.POST('/v1/employees/{id}/courses/{courseKey}/result', { params: { path: { id: employeeId, courseKey: course.key } }, body: { score: value } })),
  );
  const refused = fieldError(record.error, 'score', t);
  const submit = () => score !== null && record.mutate(score);
  return (
    <form
      aria-label={t('cc.course.recordFor', { title: course.title })}
      className="onboarding-complete"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <InputNumber
        aria-label={t('cc.course.scoreFor', { title: course.title })}
        placeholder={t('cc.course.score')}
        value={score}
        onChange={(v) => setScore(typeof v === 'number' ? v : null)}
        status={refused.help ? 'error' : undefined}
        style={{ width: 140 }}
      />
      {refused.help && <span className="field-error">{refused.help}</span>}
      <Button type="primary" htmlType="submit" disabled={score === null} loading={record.isPending}>
        {t('cc.course.record')}
      </Button>
      {record.error && <ErrorNote error={record.error} onRetry={submit} />}
    </form>
  );
}

function RejectDocument({ a, employeeId, doc }: { a: TApplication; employeeId: string; doc: TEmployee['documents'][number] }) {
  const { t } = useI18n();
  const reject = useApplicationAction(a.id, (reason: string) =>
    unwrap(api.POST('/v1/employees/{id}/documents/{documentId}/reject', { params: { path: { id: employeeId, documentId: doc.id } }, body: { reason } })),
  );
  return (
    <TextActionForm
      fieldLabel={t('onboarding.rejectReasonFor', { name: doc.filename })}
      placeholder={t('onboarding.rejectReason')}
      button={t('onboarding.rejectDocument')}
      danger
      requireText
      run={(reason) => reject.mutate(reason)}
      pending={reject.isPending}
      error={reject.error}
      errorField="reason"
    />
  );
}

function Documents({ a, me, employeeId }: { a: TApplication; me: TMe; employeeId: string }) {
  const { t, dateTime } = useI18n();
  const employee = useEmployee(employeeId);
  if (employee.error) return <ErrorNote error={employee.error} onRetry={() => void employee.refetch()} />;
  const docs = employee.data?.documents ?? [];
  return (
    <List
      size="small"
      header={<Typography.Text strong>{t('onboarding.documents')}</Typography.Text>}
      // Our own text colour: Ant Design's empty text is too faint for AA (axe).
      locale={{ emptyText: <Typography.Text type="secondary">{t('onboarding.noDocuments')}</Typography.Text> }}
      dataSource={docs}
      renderItem={(d) => (
        <List.Item>
          <div style={{ width: '100%' }}>
            <span className="candidate-row">
              <Typography.Text strong>{t(`onboarding.kind.${d.kind}` as 'onboarding.kind.id_copy')}</Typography.Text>
              <span>{d.filename}</span>
              <span>{dateTime(d.uploadedAt)}</span>
              <Tag color={d.status === 'rejected' ? '#b91c1c' : '#166534'}>{t(`onboarding.docStatus.${d.status}`)}</Tag>
              {isHr(me) && (
                <a href={`/v1/employees/${employeeId}/documents/${d.id}`} download>
                  {t('onboarding.view', { name: d.filename })}
                </a>
              )}
            </span>
            {d.rejectReason && <div>{t('onboarding.rejectedBecause', { reason: d.rejectReason })}</div>}
            {isHr(me) && d.status === 'submitted' && a.stage === 'onboarding' && <RejectDocument a={a} employeeId={employeeId} doc={d} />}
          </div>
        </List.Item>
      )}
    />
  );
}

export function OnboardingSection({ a, me }: { a: TApplication; me: TMe }) {
  const { t, tx, date, dateTime } = useI18n();
  const who = useWho();
  const ob = a.onboarding;
  if (!ob) return null;
  const mayManage = isHr(me) || me.roles.includes('it') || me.roles.includes('mentor') || me.userId === ob.mentorUserId || me.roles.includes('hiring_manager');
  return (
    <Card title={t('onboarding.title')} id="onboarding">
      <Descriptions
        size="small"
        column={{ xs: 1, sm: 2, lg: 3 }}
        items={[
          { key: 'number', label: t('onboarding.employeeNumber'), children: ob.employeeNumber },
          { key: 'position', label: t('candidate.position'), children: ob.position },
          { key: 'start', label: t('candidate.startDate'), children: date(ob.startDate) },
          { key: 'mentor', label: t('onboarding.mentor'), children: ob.mentorUserId ? who(ob.mentorUserId) : t('common.none') },
          { key: 'done', label: t('onboarding.completedAt'), children: ob.completedAt ? dateTime(ob.completedAt) : '—' },
        ]}
      />
      {ASSIGNEES.map((assignee) => {
        const tasks = ob.tasks.filter((x) => x.assignee === assignee);
        if (!tasks.length) return null;
        return (
          <section key={assignee} aria-label={t('onboarding.tasksOf', { who: tx(`role.${assignee}`, assignee) })} className="onboarding-group">
            <Typography.Title level={3} style={{ fontSize: 15 }}>
              {t('onboarding.tasksOf', { who: tx(`role.${assignee}`, assignee) })}
            </Typography.Title>
            <List
              size="small"
              dataSource={tasks}
              renderItem={(task) => (
                <List.Item>
                  <div style={{ width: '100%' }}>
                    <span className="candidate-row">
                      <Typography.Text strong>{task.title}</Typography.Text>
                      <Tag color={task.status === 'done' ? '#166534' : '#92400e'}>{t(`onboarding.taskStatus.${task.status}`)}</Tag>
                      {task.status === 'open' ? (
                        <span>
                          {t('common.due')}: <Due dueAt={`${task.dueDate}T23:59:59.999Z`} />
                        </span>
                      ) : (
                        <span>{t('onboarding.doneBy', { name: task.completedBy?.name ?? '—', at: dateTime(task.completedAt) })}</span>
                      )}
                      {task.note && <span>— {task.note}</span>}
                    </span>
                    {a.stage === 'onboarding' && mayCompleteTask(task, me, ob.mentorUserId) && <CompleteTask a={a} employeeId={ob.employeeId} task={task} />}
                  </div>
                </List.Item>
              )}
            />
          </section>
        );
      })}
      {ob.courses.length > 0 && (
        <List
          size="small"
          header={<Typography.Text strong>{t('onboarding.courses')}</Typography.Text>}
          dataSource={ob.courses}
          renderItem={(c) => (
            <List.Item>
              <div style={{ width: '100%' }}>
                <span className="candidate-row">
                <Typography.Text strong>{c.title}</Typography.Text>
                <span>{t('onboarding.passScore', { n: c.passScore })}</span>
                <Tag color={c.status === 'passed' ? '#166534' : c.status === 'failed' ? '#b91c1c' : '#92400e'}>{t(`onboarding.courseStatus.${c.status}`)}</Tag>
                {c.attempts.map((x) => (
                  <span key={x.at}>
                    {t('onboarding.attempt', { score: x.score, at: date(x.at) })}
                  </span>
                ))}
                </span>
                {a.stage === 'onboarding' && (c.status === 'assigned' || c.status === 'retake') && mayRecordCourse(me) && (
                  <RecordCourseResult a={a} employeeId={ob.employeeId} course={c} />
                )}
              </div>
            </List.Item>
          )}
        />
      )}
      {mayManage && <Documents a={a} me={me} employeeId={ob.employeeId} />}
    </Card>
  );
}
