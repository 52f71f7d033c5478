/**
 * The Admin area's server state: typed from the generated contract (these routes all declare
 * their responses), fetched through the console's one client. Mutations refetch the lists
 * they change, so a result shows at once.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, unwrap, type ApiError } from '../../api/client';
import type { operations } from '../../api/schema';
import type { TMe } from '../../api/responses';

type TOk<Op extends keyof operations, S extends number = 200> = operations[Op]['responses'] extends Record<S, { content: { 'application/json': infer B } }>
  ? B
  : never;

export type TUser = TOk<'listUsers'>['items'][number];
export type TDepartment = TOk<'listDepartments'>['items'][number];
export type TApiKey = TOk<'listApiKeys'>['items'][number];
export type TCreatedApiKey = TOk<'createApiKey', 201>;
export type TWebhook = TOk<'listWebhooks'>['items'][number];
export type TAttempt = TOk<'listWebhookDeliveries'>['items'][number];
export type TManualDelivery = TOk<'testWebhook'>;
export type TAuditEntry = TOk<'listAudit'>['items'][number];
export type TJobItem = TOk<'listJobs'>['items'][number];

export const isAdmin = (me: TMe) => me.roles.includes('admin');
/** Who gets the Admin area at all: admins, and HR for what the API lets HR do (users read-only, departments, jobs). */
export const mayAdminister = (me: TMe) => me.roles.some((r) => r === 'admin' || r === 'hr');

export function useAdminUsers() {
  return useQuery({ queryKey: ['users'], queryFn: () => unwrap<TOk<'listUsers'>>(api.GET('/v1/users')) });
}

export function useDepartments() {
  return useQuery({ queryKey: ['departments'], queryFn: () => unwrap<TOk<'listDepartments'>>(api.GET('/v1/departments')) });
}

export function useAdminJobs() {
  return useQuery({ queryKey: ['jobs'], queryFn: () => unwrap<TOk<'listJobs'>>(api.GET('/v1/jobs')) });
}

export function useApiKeys(userId: string | undefined) {
  return useQuery({
    queryKey: ['api-keys', userId],
    queryFn: () => unwrap<TOk<'listApiKeys'>>(api.GET('/v1/users/{id}/api-keys', { params: { path: { id: userId! } } })),
    enabled: !!userId,
  });
}

export function useWebhooks() {
  return useQuery({
    queryKey: ['webhooks'],
    queryFn: () => unwrap<TOk<'listWebhooks'>>(api.GET('/v1/webhooks', { params: { query: { includeInactive: 'true' } } })),
  });
}

export function useDeliveries(webhookId: string | undefined, cursor: string | undefined) {
  return useQuery({
    queryKey: ['webhook-deliveries', webhookId, cursor],
    queryFn: () =>
      unwrap<TOk<'listWebhookDeliveries'>>(
        api.GET('/v1/webhooks/{id}/deliveries', { params: { path: { id: webhookId! }, query: { limit: 20, ...(cursor ? { cursor } : {}) } } }),
      ),
    enabled: !!webhookId,
    refetchInterval: 5_000,
  });
}

export interface TAuditFilters {
  actorId?: string;
  action?: string;
  since?: string;
  until?: string;
}

export function useAudit(filters: TAuditFilters, cursor: string | undefined) {
  return useQuery({
    queryKey: ['audit', filters, cursor],
    queryFn: () => unwrap<TOk<'listAudit'>>(api.GET('/v1/audit', { params: { query: { limit: 25, ...filters, ...(cursor ? { cursor } : {}) } } })),
  });
}

export interface TRetention {
  afterEnd: { rejected: number; withdrawn: number; declined: number; expired: number };
  idempotencyKeys: number;
  webhookEvents: number;
}
export type TSettings = TOk<'getSettings'> & { retention?: TRetention };

export function useSettings() {
  return useQuery({ queryKey: ['settings'], queryFn: () => unwrap<TSettings>(api.GET('/v1/settings')) });
}

/** A mutation whose errors stay with its form; on success the named lists are refetched. */
export function useAdminMutation<TIn, TOut = unknown>(run: (v: TIn) => Promise<TOut>, refetch: string[][]) {
  const qc = useQueryClient();
  return useMutation<TOut, ApiError, TIn>({
    mutationFn: run,
    onSuccess: async () => {
      await Promise.all(refetch.map((queryKey) => qc.invalidateQueries({ queryKey })));
    },
  });
}
