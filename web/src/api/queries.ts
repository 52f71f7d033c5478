/**
 * Server state, only through these TanStack Query hooks. Every page polls every 5 s, so a
 * workflow that moves shows without a reload; an action invalidates what it changed, so
 * its result shows at once.
 */
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { api, setCsrfToken, unwrap, type ApiError } from './client';
import type {
  TApplication,
  TApplicationListItem,
  TApprovalItem,
  TEmployee,
  TJob,
  TJobListItem,
  TMe,
  TMessage,
  TPage,
  TRankingItem,
  TStage,
} from './responses';

export const POLL_MS = 5_000;
const poll = { refetchInterval: POLL_MS } as const;

export function useMe() {
  return useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      const me = await unwrap<TMe>(api.GET('/v1/me'));
      setCsrfToken(me.csrfToken);
      return me;
    },
    retry: (n, e: ApiError) => e.status !== 401 && n < 2,
  });
}

export const canList = (me: TMe) => me.roles.some((r) => r === 'admin' || r === 'hr' || r === 'hiring_manager' || r === 'integrator');
export const isHr = (me: TMe) => me.roles.some((r) => r === 'admin' || r === 'hr');

export function useUsers(enabled: boolean) {
  return useQuery({
    queryKey: ['users'],
    queryFn: () => unwrap<{ items: { id: string; name: string }[] }>(api.GET('/v1/users')),
    enabled,
    staleTime: 60_000,
  });
}

export function useApplications(q: { jobId?: string; stage?: TStage; limit?: number }, enabled = true) {
  return useQuery({
    queryKey: ['applications', q],
    queryFn: () => unwrap<TPage<TApplicationListItem>>(api.GET('/v1/applications', { params: { query: { limit: 200, ...q } } })),
    enabled,
    ...poll,
  });
}

export function applicationQuery(id: string) {
  return {
    queryKey: ['application', id],
    queryFn: () => unwrap<TApplication>(api.GET('/v1/applications/{id}', { params: { path: { id } } })),
    ...poll,
  };
}

export function useApplication(id: string) {
  return useQuery(applicationQuery(id));
}

export function useMessages(id: string, enabled: boolean) {
  return useQuery({
    queryKey: ['messages', id],
    queryFn: () => unwrap<{ items: TMessage[] }>(api.GET('/v1/applications/{id}/messages', { params: { path: { id }, query: { includeBodies: 'false' } } })),
    enabled,
    ...poll,
  });
}

export function useJobs() {
  return useQuery({ queryKey: ['jobs'], queryFn: () => unwrap<{ items: TJobListItem[] }>(api.GET('/v1/jobs')), ...poll });
}

export function useJob(id: string | undefined) {
  return useQuery({
    queryKey: ['job', id],
    queryFn: () => unwrap<TJob>(api.GET('/v1/jobs/{id}', { params: { path: { id: id! } } })),
    enabled: !!id,
    staleTime: 60_000,
  });
}

export function useRanking(jobId: string, cursor: string | undefined, includeClosed: boolean, limit: number) {
  return useQuery({
    queryKey: ['ranking', jobId, cursor, includeClosed, limit],
    queryFn: () =>
      unwrap<TPage<TRankingItem>>(
        api.GET('/v1/jobs/{id}/ranking', {
          params: { path: { id: jobId }, query: { limit, includeClosed: includeClosed ? 'true' : 'false', ...(cursor ? { cursor } : {}) } },
        }),
      ),
    placeholderData: keepPreviousData,
    ...poll,
  });
}

/** Applications I am named on beyond my department (approver, mentor, IT during onboarding). */
export function useAssignments() {
  return useQuery({
    queryKey: ['assignments'],
    queryFn: () => unwrap<{ items: { applicationId: string; reason: 'approver' | 'mentor' | 'it' }[] }>(api.GET('/v1/me/assignments')),
    ...poll,
  });
}

export function useEmployee(id: string | undefined) {
  return useQuery({
    queryKey: ['employee', id],
    queryFn: () => unwrap<TEmployee>(api.GET('/v1/employees/{id}', { params: { path: { id: id! } } })),
    enabled: !!id,
    ...poll,
  });
}

export function useApprovals() {
  return useQuery({ queryKey: ['approvals'], queryFn: () => unwrap<{ items: TApprovalItem[] }>(api.GET('/v1/approvals')), ...poll });
}

/**
 * A user action on an application. On success the application, the lists and the inbox
 * are refetched at once (read-your-writes); on failure the error stays with the form, and
 * what was typed is kept.
 */
export function useApplicationAction<TVarsIn>(applicationId: string, run: (v: TVarsIn) => Promise<unknown>) {
  const qc = useQueryClient();
  return useMutation<unknown, ApiError, TVarsIn>({
    mutationFn: run,
    onSettled: async () => {
      await Promise.all([
        qc.invalidateQueries({ queryKey: ['application', applicationId] }),
        qc.invalidateQueries({ queryKey: ['applications'] }),
        qc.invalidateQueries({ queryKey: ['approvals'] }),
        qc.invalidateQueries({ queryKey: ['messages', applicationId] }),
        qc.invalidateQueries({ queryKey: ['ranking'] }),
        qc.invalidateQueries({ queryKey: ['employee'] }),
        qc.invalidateQueries({ queryKey: ['assignments'] }),
      ]);
    },
  });
}

declare module '@tanstack/react-query' {
  interface Register {
    // Every query and mutation goes through unwrap(), which throws only ApiError.
    defaultError: ApiError;
  }
}
