/**
 * Organisation settings (admins), all of them: the company (name, address, general manager,
 * logo), the defaults new jobs and journeys start from (weights, timers, language, time zone),
 * the rating scale, onboarding (course attempts, reminders, employee numbers) and the company
 * calendar, saved together with PUT /v1/settings after the browser ran the API's own schema on
 * them; and how long personal data is kept (PATCH /v1/settings, field by field).
 */
import { useId, useState, type ReactNode } from 'react';
import { Alert, Button, Card, Form, Input, InputNumber } from 'antd';
import { api, unwrap } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import type { TAdminKey } from '../../i18n/admin.en';
import { ErrorNote } from '../../shell/error-note';
import { formatEmployeeNumber } from '../../../../domain/onboarding';
import { useAdminMutation, useSettings, type TRetention, type TSettings } from './admin-api';
import { apiIssues, useFieldStatus, useIssueText, type TIssue } from './issues';
import { draftOf, putBody, RATINGS, settingsIssues, TIMERS, withDay, type TDayList, type TSettingsDraft, type TSettingsIn } from './settings-draft';
import { ScreenTitle, UserSelect } from './shared';

type TStatus = ReturnType<typeof useFieldStatus>;
type TSet = (patch: Partial<TSettingsDraft>) => void;

/** The time zones this browser knows (the API checks with the same Intl), UTC and the saved one included. */
function timeZones(current: string): string[] {
  const known = new Set(Intl.supportedValuesOf('timeZone'));
  known.add('UTC');
  if (current) known.add(current);
  return [...known].sort();
}

/** A titled part of the form: a region named by its heading, so it can be found and skipped to. */
function Section({ title, children }: { title: string; children: ReactNode }) {
  const id = useId();
  return (
    <section aria-labelledby={id}>
      <Card
        size="small"
        title={
          <h3 id={id} className="admin-section-title">
            {title}
          </h3>
        }
      >
        {children}
      </Card>
    </section>
  );
}

/** A reason that belongs to a group of fields (the rating scale's order, a year's calendar), under it. */
function GroupIssue({ id, issue }: { id: string; issue?: TIssue }) {
  const text = useIssueText();
  return issue ? (
    <div id={id} className="ant-form-item-explain-error">
      {text(issue)}
    </div>
  ) : null;
}

/** A labelled number field; empty is null (the schema refuses it rather than a default taking its place). */
function NumberItem({ id, label, value, onChange, status, extra }: { id: string; label: string; value: number | null; onChange: (v: number | null) => void; status: object; extra?: string }) {
  return (
    <Form.Item label={label} htmlFor={id} extra={extra} {...status}>
      <InputNumber id={id} value={value} onChange={onChange} style={{ width: '100%' }} />
    </Form.Item>
  );
}

function Company({ draft, set, status }: { draft: TSettingsDraft; set: TSet; status: TStatus }) {
  const { t } = useI18n();
  const ids = { name: useId(), address: useId(), gm: useId(), logo: useId() };
  const [unreadable, setUnreadable] = useState(false);
  const pick = (file: File | undefined) => {
    if (!file) return;
    const reader = new FileReader();
    reader.onload = () => {
      setUnreadable(false);
      // A data: URL; what the API takes is the base64 after the comma (the schema checks it is a PNG).
      const url = typeof reader.result === 'string' ? reader.result : '';
      set({ logo: url.replace(/^[^,]*,/, '') });
    };
    reader.onerror = () => setUnreadable(true);
    reader.readAsDataURL(file);
  };
  const logoStatus = status('logoPngBase64');
  return (
    <Section title={t('admin.settings.organisation')}>
      <Form.Item label={t('admin.settings.companyName')} htmlFor={ids.name} {...status('companyName')}>
        <Input id={ids.name} value={draft.companyName} onChange={(e) => set({ companyName: e.target.value })} />
      </Form.Item>
      <Form.Item label={t('admin.settings.companyAddress')} htmlFor={ids.address} {...status('companyAddress')}>
        <Input.TextArea id={ids.address} value={draft.companyAddress} onChange={(e) => set({ companyAddress: e.target.value })} autoSize={{ minRows: 2 }} />
      </Form.Item>
      <Form.Item label={t('admin.settings.generalManager')} htmlFor={ids.gm} {...status('generalManagerUserId')}>
        <UserSelect id={ids.gm} value={draft.generalManagerUserId} onChange={(v) => set({ generalManagerUserId: v })} empty={t('admin.settings.pickGm')} activeOnly />
      </Form.Item>
      <Form.Item
        label={t('admin.settings.logo')}
        htmlFor={ids.logo}
        extra={t('admin.settings.logoHint')}
        {...(unreadable ? { validateStatus: 'error' as const, help: t('admin.settings.logoUnreadable') } : logoStatus)}
      >
        <input id={ids.logo} type="file" accept="image/png" className="admin-file" onChange={(e) => pick(e.target.files?.[0])} />
      </Form.Item>
      {draft.logo ? (
        <div className="admin-logo">
          <img src={`data:image/png;base64,${draft.logo}`} alt={t('admin.settings.logoPreview')} />
          <Button onClick={() => set({ logo: '' })}>{t('admin.settings.logoRemove')}</Button>
        </div>
      ) : (
        <p>{t('admin.settings.noLogo')}</p>
      )}
    </Section>
  );
}

function Defaults({ draft, set, status }: { draft: TSettingsDraft; set: TSet; status: TStatus }) {
  const { t } = useI18n();
  const base = useId();
  const [zones] = useState(() => timeZones(draft.timeZone));
  return (
    <Section title={t('admin.settings.defaults')}>
      <p>{t('admin.settings.weightsHint')}</p>
      <div className="admin-row">
        <NumberItem id={`${base}ai`} label={t('admin.jobs.aiWeight')} value={draft.ai} onChange={(ai) => set({ ai })} status={status('defaults.weights.ai')} />
        <NumberItem id={`${base}human`} label={t('admin.jobs.humanWeight')} value={draft.human} onChange={(human) => set({ human })} status={status('defaults.weights.human')} />
      </div>
      <p id={`${base}dur`}>{t('admin.settings.durationHint')}</p>
      <div className="admin-row">
        {TIMERS.map((k) => (
          <Form.Item key={k} label={t(`admin.settings.timer.${k}` as TAdminKey)} htmlFor={`${base}${k}`} {...status(`defaults.timers.${k}`)}>
            <Input
              id={`${base}${k}`}
              value={draft.timers[k]}
              aria-describedby={`${base}dur`}
              autoComplete="off"
              onChange={(e) => set({ timers: { ...draft.timers, [k]: e.target.value.trim() } })}
            />
          </Form.Item>
        ))}
      </div>
      <div className="admin-row">
        <Form.Item label={t('admin.settings.locale')} htmlFor={`${base}locale`} {...status('defaults.locale')}>
          <select id={`${base}locale`} className="admin-select" value={draft.locale} onChange={(e) => set({ locale: e.target.value as 'en' | 'zh-CN' })}>
            <option value="en">English</option>
            <option value="zh-CN">简体中文</option>
          </select>
        </Form.Item>
        <Form.Item label={t('admin.settings.timeZone')} htmlFor={`${base}tz`} {...status('defaults.timeZone')}>
          <select id={`${base}tz`} className="admin-select" value={draft.timeZone} onChange={(e) => set({ timeZone: e.target.value })}>
            <option value="">{t('admin.settings.timeZoneDefault')}</option>
            {zones.map((z) => (
              <option key={z} value={z}>
                {z}
              </option>
            ))}
          </select>
        </Form.Item>
      </div>
    </Section>
  );
}

function Evaluation({ draft, set, status, issues }: { draft: TSettingsDraft; set: TSet; status: TStatus; issues: TIssue[] }) {
  const { t } = useI18n();
  const base = useId();
  const order = issues.find((i) => i.path === 'defaults.ratingScale');
  return (
    <Section title={t('admin.settings.evaluation')}>
      <fieldset className="admin-checks" aria-describedby={order ? `${base}order` : undefined}>
        <legend>{t('admin.settings.ratingScale')}</legend>
        <p>{t('admin.settings.ratingHint')}</p>
        <div className="admin-row">
          {RATINGS.map((r) => (
            <NumberItem
              key={r}
              id={`${base}${r}`}
              label={t(`admin.settings.rating.${r}` as TAdminKey)}
              value={draft.ratingScale[r]}
              onChange={(v) => set({ ratingScale: { ...draft.ratingScale, [r]: v } })}
              // Its own reason if it has one, else red with the others when the order is wrong (said once, below).
              status={status(`defaults.ratingScale.${r}`).validateStatus ? status(`defaults.ratingScale.${r}`) : order ? { validateStatus: 'error' as const } : {}}
            />
          ))}
        </div>
        <GroupIssue id={`${base}order`} issue={order} />
      </fieldset>
    </Section>
  );
}

function Onboarding({ draft, set, status }: { draft: TSettingsDraft; set: TSet; status: TStatus }) {
  const { t } = useI18n();
  const base = useId();
  const formatStatus = status('defaults.employeeNumberFormat');
  const example = /\{seq(:\d)?\}/.test(draft.employeeNumberFormat) ? formatEmployeeNumber(draft.employeeNumberFormat, 42, new Date().getFullYear()) : '';
  return (
    <Section title={t('admin.settings.onboarding')}>
      <div className="admin-row">
        {(['courseMaxAttempts', 'taskReminderDays'] as const).map((k) => (
          <NumberItem
            key={k}
            id={`${base}${k}`}
            label={t(`admin.settings.${k}`)}
            extra={t(`admin.settings.${k}Hint`)}
            value={draft[k]}
            onChange={(v) => set({ [k]: v })}
            status={status(`defaults.${k}`)}
          />
        ))}
      </div>
      <Form.Item label={t('admin.settings.employeeNumberFormat')} htmlFor={`${base}fmt`} extra={t('admin.settings.employeeNumberHint')} {...formatStatus}>
        <Input id={`${base}fmt`} value={draft.employeeNumberFormat} autoComplete="off" aria-describedby={`${base}ex`} onChange={(e) => set({ employeeNumberFormat: e.target.value })} />
      </Form.Item>
      <p id={`${base}ex`} aria-live="polite">
        {example ? t('admin.settings.employeeNumberExample', { example }) : t('admin.settings.employeeNumberNoExample')}
      </p>
    </Section>
  );
}

const LISTS: { list: TDayList; label: TAdminKey; remove: TAdminKey }[] = [
  { list: 'holidays', label: 'admin.settings.holidays', remove: 'admin.settings.removeHoliday' },
  { list: 'workdays', label: 'admin.settings.workdays', remove: 'admin.settings.removeWorkday' },
];

function Calendar({ draft, setDraft, issues }: { draft: TSettingsDraft; setDraft: (f: (d: TSettingsDraft) => TSettingsDraft) => void; issues: TIssue[] }) {
  const { t } = useI18n();
  const text = useIssueText();
  const base = useId();
  const [day, setDay] = useState('');
  const [kind, setKind] = useState<TDayList>('holidays');
  const years = Object.keys(draft.calendar).sort();
  const add = () => {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return;
    setDraft((d) => withDay(d, kind, day, true));
    setDay('');
  };
  return (
    <Section title={t('admin.settings.calendar')}>
      <p>{t('admin.settings.calendarHint')}</p>
      <div className="admin-row admin-calendar-add">
        <Form.Item label={t('admin.settings.day')} htmlFor={`${base}day`}>
          <Input
            id={`${base}day`}
            type="date"
            value={day}
            onChange={(e) => setDay(e.target.value)}
            // Enter in the day adds the day, as the button beside it does; it must not save the whole form.
            onPressEnter={(e) => {
              e.preventDefault();
              add();
            }}
          />
        </Form.Item>
        <Form.Item label={t('admin.settings.dayKind')} htmlFor={`${base}kind`}>
          <select id={`${base}kind`} className="admin-select" value={kind} onChange={(e) => setKind(e.target.value as TDayList)}>
            <option value="holidays">{t('admin.settings.holiday')}</option>
            <option value="workdays">{t('admin.settings.workday')}</option>
          </select>
        </Form.Item>
        <Form.Item label=" " colon={false}>
          <Button onClick={add} disabled={!day}>
            {t('admin.settings.addDay')}
          </Button>
        </Form.Item>
      </div>
      {years.length === 0 && <p>{t('admin.settings.noCalendar')}</p>}
      {years.map((year) => {
        const yearIssue = issues.find((i) => i.path === `defaults.calendar.${year}`);
        return (
          <fieldset key={year} className="admin-checks" aria-describedby={yearIssue ? `${base}${year}` : undefined}>
            <legend>{t('admin.settings.year', { year })}</legend>
            <div className="admin-row">
              {LISTS.map(({ list, label, remove }) => (
                <div key={list} className="admin-days">
                  <h4 className="admin-days-title">{t(label)}</h4>
                  {draft.calendar[year]![list].length === 0 ? (
                    <p>{t('admin.settings.none')}</p>
                  ) : (
                    <ul aria-label={`${t(label)} ${year}`}>
                      {draft.calendar[year]![list].map((d, i) => {
                        const dayIssue = issues.find((x) => x.path === `defaults.calendar.${year}.${list}.${i}`);
                        return (
                          <li key={d}>
                            <span>{d}</span>{' '}
                            <Button size="small" onClick={() => setDraft((x) => withDay(x, list, d, false))}>
                              {t(remove, { day: d })}
                            </Button>
                            {dayIssue && <div className="ant-form-item-explain-error">{text(dayIssue)}</div>}
                          </li>
                        );
                      })}
                    </ul>
                  )}
                </div>
              ))}
            </div>
            <GroupIssue id={`${base}${year}`} issue={yearIssue} />
            <Button
              size="small"
              danger
              onClick={() =>
                setDraft((d) => {
                  const { [year]: _gone, ...rest } = d.calendar;
                  return { ...d, calendar: rest };
                })
              }
            >
              {t('admin.settings.removeYear', { year })}
            </Button>
          </fieldset>
        );
      })}
    </Section>
  );
}

function Organisation({ settings }: { settings: TSettings }) {
  const { t } = useI18n();
  const [draft, setDraft] = useState<TSettingsDraft>(() => draftOf(settings as unknown as TSettingsIn));
  const [localIssues, setLocalIssues] = useState<TIssue[]>([]);
  // Sent only once the schema passed the draft, so every number is there: the cast says so to the contract's types.
  const save = useAdminMutation((d: TSettingsDraft) => unwrap(api.PUT('/v1/settings', { body: putBody(d, settings.retention) as never })), [['settings']]);
  const issues = localIssues.length ? localIssues : apiIssues(save.error);
  const status = useFieldStatus(issues);
  const set: TSet = (patch) => setDraft((d) => ({ ...d, ...patch }));
  const submit = () => {
    const found = settingsIssues(draft);
    setLocalIssues(found);
    if (found.length) return;
    save.mutate(draft);
  };
  return (
    <Form layout="vertical" onFinish={submit} className="admin-body">
      <Company draft={draft} set={set} status={status} />
      <Defaults draft={draft} set={set} status={status} />
      <Evaluation draft={draft} set={set} status={status} issues={issues} />
      <Onboarding draft={draft} set={set} status={status} />
      <Calendar draft={draft} setDraft={setDraft} issues={issues} />
      <Card size="small">
        {localIssues.length > 0 && (
          <div role="alert" className="ant-form-item-explain-error">
            {t('admin.jobs.fixFields', { n: localIssues.length })}
          </div>
        )}
        {save.error && <ErrorNote error={save.error} onRetry={submit} />}
        {save.isSuccess && !localIssues.length && <Alert role="status" type="success" title={t('admin.saved')} />}
        <Button type="primary" htmlType="submit" loading={save.isPending}>
          {t('admin.settings.save')}
        </Button>
      </Card>
    </Form>
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
    <Section title={t('admin.settings.retention')}>
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
    </Section>
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
