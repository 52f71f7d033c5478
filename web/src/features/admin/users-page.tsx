/**
 * Users: who they are, their roles, department and whether they are active. Admins invite
 * (POST /v1/users: the first token shown once), change roles and department, deactivate and
 * reactivate (PATCH /v1/users/:id); HR reads the list.
 */
import { useId, useState } from 'react';
import { Button, Card, Checkbox, Form, Input, Popconfirm, Space, Table, Tag } from 'antd';
import { api, unwrap } from '../../api/client';
import { useMe } from '../../api/queries';
import { ROLES } from '../../../../domain/contracts/common';
import { useI18n } from '../../i18n/i18n';
import { ErrorNote } from '../../shell/error-note';
import { isAdmin, useAdminMutation, useAdminUsers, useDepartments, type TUser } from './admin-api';
import { apiIssues, useFieldStatus } from './issues';
import { RoleTags, ScrollTable, ScreenTitle, SecretOnce } from './shared';

/** The roles as checkboxes in a named group; `status` marks the API's refusal of them. */
function RoleChecks({ value, onChange, status }: { value: string[]; onChange: (v: string[]) => void; status: object }) {
  const { t, tx } = useI18n();
  return (
    <fieldset className="admin-checks">
      <legend>{t('admin.users.roles')}</legend>
      <Form.Item {...status}>
        <Checkbox.Group options={ROLES.map((r) => ({ value: r, label: tx(`role.${r}`, r) }))} value={value} onChange={(v) => onChange(v)} />
      </Form.Item>
    </fieldset>
  );
}

function DepartmentSelect({ id, value, onChange }: { id: string; value: string; onChange: (v: string) => void }) {
  const { t } = useI18n();
  const departments = useDepartments().data?.items ?? [];
  return (
    <select id={id} className="admin-select" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{t('admin.users.noDepartment')}</option>
      {departments.map((d) => (
        <option key={d.id} value={d.id}>
          {d.name}
        </option>
      ))}
    </select>
  );
}

function InviteUser() {
  const { t } = useI18n();
  const ids = { name: useId(), email: useId(), dept: useId() };
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [roles, setRoles] = useState<string[]>([]);
  const [departmentId, setDepartmentId] = useState('');
  const [token, setToken] = useState<string | null>(null);
  const create = useAdminMutation(
    () =>
      unwrap<{ id: string; token: string }>(
        api.POST('/v1/users', {
          body: { name, email, roles: roles as (typeof ROLES)[number][], ...(departmentId ? { departmentId } : {}) },
        }),
      ),
    [['users']],
  );
  const status = useFieldStatus(apiIssues(create.error));
  const submit = () =>
    create.mutate(undefined, {
      onSuccess: (r) => {
        setToken(r.token);
        setName('');
        setEmail('');
        setRoles([]);
        setDepartmentId('');
      },
    });
  return (
    <Card size="small" title={t('admin.users.invite')}>
      {token && <SecretOnce label={t('admin.users.tokenTitle')} secret={token} onDone={() => setToken(null)} />}
      <Form layout="vertical" onFinish={submit}>
        <div className="admin-row">
          <Form.Item label={t('admin.users.name')} htmlFor={ids.name} {...status('name')}>
            <Input id={ids.name} value={name} onChange={(e) => setName(e.target.value)} autoComplete="off" />
          </Form.Item>
          <Form.Item label={t('admin.users.email')} htmlFor={ids.email} {...status('email')}>
            <Input id={ids.email} type="email" value={email} onChange={(e) => setEmail(e.target.value)} autoComplete="off" />
          </Form.Item>
          <Form.Item label={t('admin.users.department')} htmlFor={ids.dept} {...status('departmentId')}>
            <DepartmentSelect id={ids.dept} value={departmentId} onChange={setDepartmentId} />
          </Form.Item>
        </div>
        <RoleChecks value={roles} onChange={setRoles} status={status('roles')} />
        {create.error && <ErrorNote error={create.error} onRetry={submit} />}
        <Button type="primary" htmlType="submit" loading={create.isPending}>
          {t('admin.users.create')}
        </Button>
      </Form>
    </Card>
  );
}

function EditUser({ user, onClose }: { user: TUser; onClose: () => void }) {
  const { t } = useI18n();
  const deptId = useId();
  const [roles, setRoles] = useState<string[]>(user.roles);
  const [departmentId, setDepartmentId] = useState(user.departmentId ?? '');
  const patch = useAdminMutation(
    (body: { roles?: string[]; departmentId?: string | null; active?: boolean }) =>
      unwrap(api.PATCH('/v1/users/{id}', { params: { path: { id: user.id } }, body: body as { roles?: (typeof ROLES)[number][] } })),
    [['users'], ['departments']],
  );
  const status = useFieldStatus(apiIssues(patch.error));
  const save = () => patch.mutate({ roles, departmentId: departmentId || null }, { onSuccess: onClose });
  return (
    <Card size="small" title={t('admin.users.editing', { name: user.name })}>
      <Form layout="vertical" onFinish={save}>
        <RoleChecks value={roles} onChange={setRoles} status={status('roles')} />
        <Form.Item label={t('admin.users.department')} htmlFor={deptId} {...status('departmentId')}>
          <DepartmentSelect id={deptId} value={departmentId} onChange={setDepartmentId} />
        </Form.Item>
        {patch.error && <ErrorNote error={patch.error} onRetry={() => patch.variables && patch.mutate(patch.variables)} />}
        <Space wrap>
          <Button type="primary" htmlType="submit" loading={patch.isPending}>
            {t('common.save')}
          </Button>
          {user.active ? (
            <Popconfirm title={t('admin.users.deactivateConfirm', { name: user.name })} okText={t('admin.users.deactivate')} cancelText={t('common.cancel')} onConfirm={() => patch.mutate({ active: false }, { onSuccess: onClose })}>
              <Button danger>{t('admin.users.deactivate')}</Button>
            </Popconfirm>
          ) : (
            <Button onClick={() => patch.mutate({ active: true }, { onSuccess: onClose })}>{t('admin.users.reactivate')}</Button>
          )}
          <Button onClick={onClose}>{t('common.cancel')}</Button>
        </Space>
      </Form>
    </Card>
  );
}

export function UsersPage() {
  const { t } = useI18n();
  const me = useMe().data;
  const admin = !!me && isAdmin(me);
  const users = useAdminUsers();
  const departments = useDepartments().data?.items ?? [];
  const [editing, setEditing] = useState<string | null>(null);
  const editingUser = users.data?.items.find((u) => u.id === editing);
  return (
    <>
      <ScreenTitle>{t('admin.nav.users')}</ScreenTitle>
      {admin && <InviteUser />}
      {editingUser && <EditUser key={editingUser.id} user={editingUser} onClose={() => setEditing(null)} />}
      {users.error && <ErrorNote error={users.error} onRetry={() => void users.refetch()} />}
      <ScrollTable label={t('admin.nav.users')}>
        <Table<TUser>
          size="small"
          rowKey="id"
          loading={users.isPending}
          dataSource={users.data?.items ?? []}
          pagination={{ pageSize: 20, showSizeChanger: false, hideOnSinglePage: true }}
          columns={[
            { key: 'name', title: t('admin.users.name'), dataIndex: 'name' },
            { key: 'email', title: t('admin.users.email'), dataIndex: 'email' },
            { key: 'roles', title: t('admin.users.roles'), render: (_, u) => <RoleTags roles={u.roles} /> },
            { key: 'dept', title: t('admin.users.department'), render: (_, u) => departments.find((d) => d.id === u.departmentId)?.name ?? '—' },
            {
              key: 'active',
              title: t('admin.users.status'),
              render: (_, u) => (u.active ? <Tag color="#166534">{t('admin.users.active')}</Tag> : <Tag color="#4b5563">{t('admin.users.inactive')}</Tag>),
            },
            ...(admin
              ? [
                  {
                    key: 'edit',
                    title: t('admin.actions'),
                    render: (_: unknown, u: TUser) => (
                      <Button size="small" aria-label={t('admin.users.editUser', { name: u.name })} onClick={() => setEditing(u.id)}>
                        {t('admin.edit')}
                      </Button>
                    ),
                  },
                ]
              : []),
          ]}
        />
      </ScrollTable>
    </>
  );
}
