/** The API's types: the typed client's copy, generated from the OpenAPI document (scripts/console-api-types.ts). */
export type { components, operations, paths } from '../../../clients/typescript/src/schema';
