/**
 * Response schemas shared by several routes: the application's status (from its workflow),
 * what each workflow action answers, and the non-JSON answers (HTML pages, files).
 *
 * Objects are `loose`: the fields listed are promised, with their types, and a field the
 * workflow adds later passes through instead of being silently dropped by the serialiser
 * (Fastify serialises every response through these schemas).
 */
import { z } from 'zod';
import { ZStageSchema } from '../domain/contracts/application';
import { ZErrorResponseSchema } from './errors';

/**
 * An object whose listed fields are promised and whose other fields pass through (at run
 * time `z.looseObject`); typed as the plain object, so handlers returning interfaces fit.
 */
export const zOpen = <T extends z.ZodRawShape>(shape: T) => z.looseObject(shape) as unknown as z.ZodObject<T>;

/** Any object (its fields are described where it is made). */
export const ZAnyObjectSchema = z.looseObject({}) as unknown as z.ZodType<object>;

/** A moment: ISO-8601 on the wire (a database timestamp is serialised from its Date). */
export const ZTimestampSchema = z.union([z.date(), z.string()]).describe('ISO-8601 timestamp');
export const ZNextCursorSchema = z
  .string()
  .nullable()
  .describe('Pass back as `cursor` for the next page; null on the last page');

const ZPersonSchema = zOpen({ id: z.string(), name: z.string() });
const nullableTime = ZTimestampSchema.nullable();

export const ZDiscrepancyStateSchema = zOpen({
  id: z.string(),
  resolution: zOpen({
    resolution: z.string(),
    note: z.string().nullable(),
    by: z.string(),
    byName: z.string(),
    at: z.string(),
  }).nullable(),
});

export const ZEvaluationSchema = zOpen({
  evaluatorId: z.string(),
  evaluatorName: z.string(),
  role: z.string(),
  ratings: z.record(z.string(), z.string()),
  comment: z.string().nullable(),
  recommendation: z.enum(['advance', 'reject']).nullable(),
  revision: z.number(),
  at: z.string(),
});

export const ZApprovalLevelStateSchema = zOpen({
  status: z.enum(['waiting', 'pending', 'approved', 'rejected', 'cancelled']),
  approvers: z.array(z.string()).optional(),
  startedAt: z.string().nullable(),
  dueAt: z.string().nullable(),
  delegations: z.array(zOpen({ fromUserId: z.string(), toUserId: z.string(), at: z.string() })),
});

export const ZOfferVersionSchema = zOpen({
  version: z.number().int(),
  offer: ZAnyObjectSchema.describe(
    'The offer terms (see PUT /v1/applications/{id}/offer); salary null when redacted',
  ),
  status: z.string(),
  createdAt: z.string(),
  createdBy: ZPersonSchema,
  requiresApproval: z.boolean(),
  levels: z.array(ZApprovalLevelStateSchema),
  decisions: z.array(ZAnyObjectSchema),
  letter: zOpen({ documentId: z.string(), sha256: z.string() }).nullable(),
  sentAt: z.string().nullable(),
  expiresAt: z.string().nullable(),
  response: zOpen({ kind: z.string(), at: z.string() }).nullable().optional(),
});

export const ZOnboardingTaskSchema = zOpen({
  key: z.string(),
  title: z.string(),
  assignee: z.enum(['candidate', 'hr', 'it', 'mentor']),
  required: z.boolean(),
  dueDate: z.string(),
  status: z.enum(['open', 'done']),
  completedBy: ZPersonSchema.nullable(),
  completedAt: z.string().nullable(),
  note: z.string().nullable(),
  documentId: z.string().nullable(),
});

export const ZCourseRecordSchema = zOpen({
  key: z.string(),
  title: z.string(),
  passScore: z.number(),
  required: z.boolean(),
  status: z.enum(['assigned', 'passed', 'retake', 'failed']),
  attempts: z.array(
    zOpen({ score: z.number(), passed: z.boolean(), at: z.string(), recordedBy: z.string() }),
  ),
});

const ZPendingActionSchema = zOpen({
  action: z.string(),
  actor: z.string(),
  dueAt: z.string().nullable(),
  overdue: z.boolean(),
});

/** The workflow's status query, as the routes show it (redacted for the caller). */
export const ZApplicationStatusSchema = zOpen({
  applicationId: z.string(),
  jobId: z.string(),
  departmentId: z.string(),
  stage: ZStageSchema,
  receivedAt: z.string(),
  decisionDueAt: z.string(),
  discrepancies: z.array(ZDiscrepancyStateSchema),
  scores: zOpen({ matchScore: z.number().nullable() }),
  report: ZAnyObjectSchema.nullable(),
  evaluations: z.array(ZEvaluationSchema),
  composite: ZAnyObjectSchema.nullable(),
  recommendations: zOpen({
    hr: z.array(z.string()),
    hiringManager: z.array(z.string()),
    agree: z.boolean().nullable(),
  }),
  decision: zOpen({
    decision: z.enum(['advance', 'reject']),
    reason: z.string().nullable(),
    by: z.string(),
    byName: z.string(),
    at: z.string(),
  }).nullable(),
  offer: zOpen({ current: ZOfferVersionSchema.nullable(), versions: z.array(ZOfferVersionSchema) }),
  onboarding: zOpen({
    employeeId: z.string(),
    employeeNumber: z.string(),
    startDate: z.string(),
    tasks: z.array(ZOnboardingTaskSchema),
    courses: z.array(ZCourseRecordSchema),
    completedAt: z.string().nullable(),
  }).nullable(),
  withdrawal: zOpen({ reason: z.string(), by: z.string(), at: z.string() }).nullable(),
  timeline: z.array(
    zOpen({ at: z.string(), type: z.string(), actor: z.union([ZPersonSchema, z.literal('system')]) }),
  ),
  pendingActions: z.array(ZPendingActionSchema),
});

/** GET /v1/applications/{id}: the row's facts and the workflow's status; an erased one keeps only the fact. */
export const ZApplicationSchema = z.union([
  ZApplicationStatusSchema.extend({
    id: z.string(),
    externalId: z.string().nullable(),
    workflowId: z.string(),
    candidate: zOpen({
      name: z.string(),
      email: z.string(),
      phone: z.string().nullable(),
      locale: z.string(),
    }),
    interview: zOpen({
      completedAt: ZTimestampSchema.nullable(),
      accuracy: z.number().nullable(),
      recordingUrl: z.string().nullable(),
    }),
    createdAt: ZTimestampSchema,
  }),
  z.object({
    id: z.string(),
    workflowId: z.string(),
    stage: z.literal('erased'),
    erasedAt: nullableTime,
    createdAt: ZTimestampSchema,
    candidate: z.null(),
  }),
]);

/** What the workflow answers to each action. */
export const ZStageResultSchema = zOpen({ stage: ZStageSchema });
export const ZDecisionResultSchema = zOpen({
  stage: ZStageSchema,
  decision: zOpen({ decision: z.enum(['advance', 'reject']) }),
});
export const ZSubmitOfferResultSchema = zOpen({
  version: z.number().int(),
  levels: z.array(ZApprovalLevelStateSchema),
});
export const ZApprovalResultSchema = zOpen({
  version: z.number().int(),
  level: z.number().int(),
  status: z.string(),
  stage: ZStageSchema,
});
export const ZDelegateResultSchema = zOpen({
  version: z.number().int(),
  level: z.number().int(),
  approvers: z.array(z.string()),
});
export const ZCandidateResponseResultSchema = zOpen({
  version: z.number().int(),
  stage: ZStageSchema,
  response: zOpen({ kind: z.string(), at: z.string() }).nullable(),
});

/** An HTML page (the candidate's and the sign-in pages). */
export const htmlPage = (description: string) => ({
  description,
  content: { 'text/html': { schema: z.string() } },
});
/** An HTML page for a browser, or the common error body when the refusal came before the page (validation, rate limit). */
export const htmlPageOrError = (description: string) => ({
  description,
  content: { 'text/html': { schema: z.string() }, 'application/json': { schema: ZErrorResponseSchema } },
});
const ZBytesSchema = z
  .custom<Uint8Array>((v) => v instanceof Uint8Array)
  .meta({ type: 'string', format: 'binary' });
/** A file's bytes under one of these content types. */
export const fileOf = (description: string, ...types: string[]) => ({
  description,
  content: Object.fromEntries(types.map((t) => [t, { schema: ZBytesSchema }])),
});

/** A candidate's link refused (401), or the action it asks refused by the workflow (403, 404, 409). */
export const TOKEN_REFUSALS = {
  401: ZErrorResponseSchema,
  403: ZErrorResponseSchema,
  404: ZErrorResponseSchema,
  409: ZErrorResponseSchema,
};

/** GET and PUT /v1/settings: what is in force; `saved` false while the built-in defaults apply. */
export const ZSettingsResponseSchema = zOpen({
  companyName: z.string(),
  companyAddress: z.string(),
  logoPngBase64: z.string().optional(),
  generalManagerUserId: z.string().optional(),
  defaults: z.record(z.string(), z.unknown()),
  saved: z.boolean(),
});
