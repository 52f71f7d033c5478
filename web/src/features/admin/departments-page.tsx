/** Departments (admins and HR): the list, a new one with its manager, rename or change the manager. */
import { useId, useState } from 'react';
import { Button, Card, Form, Input, Space, Table } from 'antd';
import { api, unwrap } from '../../api/client';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';
import { useAdminMutation, useAdminUsers, useDepartments, type TDepartment } from './admin-api';
import { apiIssues, useFieldStatus } from './issues';
import { ScrollTable, ScreenTitle, UserSelect } from './shared';

/** Create (no department) or change (a department): the same two fields. */
function DepartmentForm({ department, onDone }: { department?: TDepartment; onDone?: () => void }) {
  const { t } = useI18n();
  const ids = { name: useId(), manager: useId() };
  const [name, setName] = useState(department?.name ?? '');
  const [managerUserId, setManager] = useState(department?.managerUserId ?? '');
  const save = useAdminMutation(
    () =>
      department
        ? unwrap(
            api.PATCH('/v1/departments/{id}', {
              params: { path: { id: department.id } },
              body: { ...(name !== department.name ? { name } : {}), ...(managerUserId !== department.managerUserId ? { managerUserId } : {}) },
            }),
          )
        : unwrap(api.POST('/v1/departments', { body: { name, managerUserId } })),
    [['departments'], ['users']],
  );
  const status = useFieldStatus(apiIssues(save.error));
  const submit = () =>
    save.mutate(undefined, {
      onSuccess: () => {
        if (!department) {
          setName('');
          setManager('');
        }
        onDone?.();
      },
    });
  return (
    <Card size="small" title={department ? t('admin.departments.editing', { name: department.name }) : t('admin.departments.create')}>
      <Form layout="vertical" onFinish={submit}>
        <div className="admin-row">
          <Form.Item label={t('admin.departments.name')} htmlFor={ids.name} {...status('name')}>
            <Input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          </Form.Item>
          <Form.Item label={t('admin.departments.manager')} htmlFor={ids.manager} {...status('managerUserId')}>
            <UserSelect id={ids.manager} value={managerUserId} onChange={setManager} empty={t('admin.departments.pickManager')} activeOnly />
          </Form.Item>
        </div>
        {save.error && <ErrorNote error={save.error} onRetry={submit} />}
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={save.isPending}>
            {department ? t('common.save') : t('admin.departments.createButton')}
          </Button>
          {onDone && department && <Button onClick={onDone}>{t('common.cancel')}</Button>}
        </Space>
      </Form>
    </Card>
  );
}

export function DepartmentsPage() {
  const { t } = useI18n();
  const departments = useDepartments();
  const users = useAdminUsers().data?.items ?? [];
  const [editing, setEditing] = useState<string | null>(null);
  const editingDept = departments.data?.items.find((d) => d.id === editing);
  return (
    <>
      <ScreenTitle>{t('admin.nav.departments')}</ScreenTitle>
      <DepartmentForm />
      {editingDept && <DepartmentForm key={editingDept.id} department={editingDept} onDone={() => setEditing(null)} />}
      {departments.error && <ErrorNote error={departments.error} onRetry={() => void departments.refetch()} />}
      <ScrollTable label={t('admin.nav.departments')}>
        <Table<TDepartment>
          size="small"
          rowKey="id"
          loading={departments.isPending}
          dataSource={departments.data?.items ?? []}
          pagination={false}
          columns={[
            { key: 'name', title: t('admin.departments.name'), dataIndex: 'name' },
            { key: 'manager', title: t('admin.departments.manager'), render: (_, d) => users.find((u) => u.id === d.managerUserId)?.name ?? '—' },
            {
              key: 'edit',
              title: t('admin.actions'),
              render: (_, d) => (
                <Button size="small" aria-label={t('admin.departments.editDepartment', { name: d.name })} onClick={() => setEditing(d.id)}>
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
