/**
 * `npm run temporal:setup [-- --namespace <ns>]`: prepares a Temporal namespace of a real
 * cluster for the engine. It registers the search attributes the workflow sets (Stage,
 * JobId, DepartmentId, Keyword) through the operator API, leaving those already there, and
 * checks that workflow Updates are enabled (every human action is an Update), with a clear
 * error when they are not. Connects with the same settings as the API and the worker
 * (TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE, TLS, API key). Idempotent: run it at every deploy.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Connection, isGrpcServiceError } from '@temporalio/client';
import { SearchAttributeType } from '@temporalio/common';
import protos, { type temporal } from '@temporalio/proto';
import { status as GrpcStatus } from '@grpc/grpc-js';
import { temporalConnectionOptions } from '../ops/temporal-connection';
import { loadConfigOrExit } from '../temporal.config';
import { SEARCH_ATTRIBUTE_KEYS } from '../workflows/search-attributes';

const IndexedValueType = protos.temporal.api.enums.v1.IndexedValueType;

/** The protocol's type for each SDK search-attribute type the workflow uses. */
const INDEXED_TYPE: Partial<Record<SearchAttributeType, temporal.api.enums.v1.IndexedValueType>> = {
  [SearchAttributeType.KEYWORD]: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
};

export class TemporalSetupError extends Error {
  override name = 'TemporalSetupError';
}

export interface SetupResult {
  namespace: string;
  added: string[];
  present: string[];
}

const typeName = (t: number) => IndexedValueType[t]?.replace('INDEXED_VALUE_TYPE_', '') ?? String(t);

export async function setupNamespace(connection: Connection, namespace: string): Promise<SetupResult> {
  try {
    await connection.workflowService.describeNamespace({ namespace });
  } catch (e) {
    if (isGrpcServiceError(e) && e.code === GrpcStatus.NOT_FOUND) {
      throw new TemporalSetupError(
        `namespace "${namespace}" does not exist: create it first (\`temporal operator namespace create --namespace ${namespace}\`, or in Temporal Cloud)`,
      );
    }
    throw e;
  }

  const listed = await connection.operatorService.listSearchAttributes({ namespace });
  const existing = new Map(Object.entries({ ...listed.systemAttributes, ...listed.customAttributes }));
  const added: string[] = [];
  const present: string[] = [];
  const missing: Record<string, temporal.api.enums.v1.IndexedValueType> = {};
  for (const key of SEARCH_ATTRIBUTE_KEYS) {
    const want = INDEXED_TYPE[key.type];
    if (want === undefined) throw new TemporalSetupError(`search attribute ${key.name}: type ${key.type} has no mapping here`);
    const have = existing.get(key.name);
    if (have === undefined) missing[key.name] = want;
    else if (have !== want) {
      throw new TemporalSetupError(
        `search attribute ${key.name} exists on "${namespace}" as ${typeName(have)}, the workflow needs ${typeName(want)}: remove it or use another namespace`,
      );
    } else present.push(key.name);
  }
  if (Object.keys(missing).length) {
    await connection.operatorService.addSearchAttributes({ namespace, searchAttributes: missing });
    added.push(...Object.keys(missing));
  }
  await assertUpdatesEnabled(connection, namespace);
  return { namespace, added, present };
}

/**
 * Updates are checked by asking for one on a workflow that does not exist: a cluster with
 * Updates on answers "not found", one with them off "permission denied" whatever the workflow.
 */
export async function assertUpdatesEnabled(connection: Connection, namespace: string): Promise<void> {
  try {
    await connection.workflowService.updateWorkflowExecution({
      namespace,
      workflowExecution: { workflowId: `temporal-setup-probe-${randomUUID()}` },
      request: { meta: { updateId: randomUUID(), identity: 'temporal-setup' }, input: { name: 'probe' } },
      waitPolicy: { lifecycleStage: protos.temporal.api.enums.v1.UpdateWorkflowExecutionLifecycleStage.UPDATE_WORKFLOW_EXECUTION_LIFECYCLE_STAGE_ACCEPTED },
    });
  } catch (e) {
    if (isGrpcServiceError(e) && e.code === GrpcStatus.NOT_FOUND) return;
    if (isGrpcServiceError(e) && (e.code === GrpcStatus.PERMISSION_DENIED || e.code === GrpcStatus.UNIMPLEMENTED)) {
      throw new TemporalSetupError(
        `workflow Updates are disabled on "${namespace}" (${e.details}): every human action is an Update. Enable them in the cluster's dynamic config: ` +
          'frontend.enableUpdateWorkflowExecution=true and frontend.enableUpdateWorkflowExecutionAsyncAccepted=true (Temporal server 1.21 or later)',
      );
    }
    throw e;
  }
  throw new TemporalSetupError(`the Updates check expected "not found" for a workflow that does not exist on "${namespace}", and got an answer`);
}

async function main() {
  const config = loadConfigOrExit();
  const i = process.argv.indexOf('--namespace');
  const namespace = i > 0 ? process.argv[i + 1] : config.TEMPORAL_NAMESPACE;
  if (!namespace) {
    console.error('--namespace needs a value');
    process.exit(2);
  }
  const connection = await Connection.connect({ ...temporalConnectionOptions(config), connectTimeout: '10s' });
  try {
    const r = await setupNamespace(connection, namespace);
    console.log(
      `namespace ${r.namespace} on ${config.TEMPORAL_ADDRESS}: search attributes ${r.added.length ? `added ${r.added.join(', ')}` : 'none added'}` +
        `${r.present.length ? `, already there ${r.present.join(', ')}` : ''}; Updates enabled`,
    );
  } finally {
    await connection.close();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    console.error(e instanceof TemporalSetupError ? `temporal:setup: ${e.message}` : e);
    process.exit(1);
  });
}
