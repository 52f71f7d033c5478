/** A workflow state for the phases' rules, built without Temporal: every field valid, each test sets what it is about. */
import { ZCreateJobSchema } from '../../../domain/contracts/job';
import { ZSettingsDefaultsSchema } from '../../../domain/contracts/settings';
import { resolveJobPolicy } from '../../../domain/policy';
import type { TActor } from '../../../workflows/messages';
import { initialState, type TWorkflowState } from '../../../workflows/state';
import { JOB } from '../../helpers/actors';

export const DEPT = '00000000-0000-4000-8000-0000000000d1';
export const AT = '2027-01-10T09:00:00.000Z';

export function makeState(over: Partial<TWorkflowState> = {}): TWorkflowState {
  const policy = resolveJobPolicy(ZCreateJobSchema.parse(JOB(DEPT)), ZSettingsDefaultsSchema.parse({}));
  const input = {
    applicationId: '00000000-0000-4000-8000-0000000000a1',
    jobId: '00000000-0000-4000-8000-0000000000b1',
    departmentId: DEPT,
    receivedAt: '2027-01-04T09:00:00.000Z',
    candidate: { name: 'Lin Wei', locale: 'en' as const },
    policy,
  };
  return { ...initialState(input, Date.parse('2027-01-07T09:00:00.000Z')), ...over };
}

export const actor = (id: string, roles: TActor['roles'], over: Partial<TActor> = {}): TActor => ({ id, name: id.toUpperCase(), roles, ...over });
export const hr = actor('hr1', ['hr']);
export const manager = actor('mgr1', ['hiring_manager'], { departmentId: DEPT });

/** The rejection an update validator throws, as `{ type, message }`. */
export function refusal(fn: () => unknown): { type: string | undefined; message: string } | null {
  try {
    fn();
    return null;
  } catch (e) {
    const err = e as { type?: string; message: string };
    return { type: err.type, message: err.message };
  }
}
