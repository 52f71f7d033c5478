/**
 * How the API's client (Connection) and the worker (NativeConnection) reach Temporal: the
 * address, TLS or mTLS (temporal.config.ts reads and checks the files) and an API key.
 * Both SDK connection types take these same fields.
 */
import type { Config, TemporalTls } from '../temporal.config';

export interface TemporalConnectionOptions {
  address: string;
  tls?: TemporalTls;
  apiKey?: string;
}

export function temporalConnectionOptions(
  config: Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_API_KEY' | 'temporalTls'>,
): TemporalConnectionOptions {
  return {
    address: config.TEMPORAL_ADDRESS,
    ...(config.temporalTls ? { tls: config.temporalTls } : {}),
    ...(config.TEMPORAL_API_KEY ? { apiKey: config.TEMPORAL_API_KEY } : {}),
  };
}
