/**
 * Starts one real Temporal dev server (in memory, headless) for the whole test run and
 * stops it afterwards. Files reach it through `inject('temporalAddress')`.
 */
import type { TestProject } from 'vitest/node';
import { freePort, startDevServer, type DevServer } from '../../scripts/temporal-cli';

let server: DevServer | undefined;

declare module 'vitest' {
  export interface ProvidedContext {
    temporalAddress: string;
  }
}

export async function setup(project: TestProject) {
  server = await startDevServer({ port: await freePort() });
  project.provide('temporalAddress', server.address);
}

export async function teardown() {
  await server?.stop();
}
