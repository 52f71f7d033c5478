import type { Config } from '../temporal.config';
import type { DbHandle } from '../db/client';

export interface Logger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

export interface ActivityDeps {
  db: DbHandle;
  config: Config;
  log: Logger;
  /** Injected so tests can move time; activities never read Date.now() directly. */
  now: () => Date;
}
