import { ApplicationFailure } from '@temporalio/common';

/**
 * Why an update was refused. The API maps each type to an HTTP status (errors.ts there),
 * so the caller gets a precise 4xx instead of a generic failure.
 */
export type TRejectionType = 'WrongStage' | 'NotFound' | 'Conflict' | 'Forbidden' | 'ValidationFailed' | 'StaleVersion';

export interface TRejectionDetail {
  path?: string;
  message: string;
}

export function reject(type: TRejectionType, message: string, details: TRejectionDetail[] = []): never {
  throw ApplicationFailure.create({ type, message, nonRetryable: true, details: [details] });
}
