/**
 * Temporal's time-skipping test server with the engine's search attributes registered:
 * for tests and the fixture recorder whose workflows wait weeks (offer expiry, probation).
 * The clock moves when the caller sleeps on the environment (`env.sleep`).
 */
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { SEARCH_ATTRIBUTE_KEYS } from '../../workflows/search-attributes';
import { resolveTestServer } from '../temporal-cli';

/** temporal.api.enums.v1.IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD (every key we define is a keyword). */
const INDEXED_VALUE_TYPE_KEYWORD = 2;

export async function startTimeSkippingServer(): Promise<TestWorkflowEnvironment> {
  const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: resolveTestServer() } } });
  await env.connection.operatorService.addSearchAttributes({
    namespace: 'default',
    searchAttributes: Object.fromEntries(SEARCH_ATTRIBUTE_KEYS.map((k) => [k.name, INDEXED_VALUE_TYPE_KEYWORD])),
  });
  return env;
}
