import { defineSearchAttributeKey, SearchAttributeType } from '@temporalio/common';

/** Registered on the server (dev stack and tests) and set by the workflow. */
export const StageKey = defineSearchAttributeKey('Stage', SearchAttributeType.KEYWORD);
export const JobIdKey = defineSearchAttributeKey('JobId', SearchAttributeType.KEYWORD);
export const DepartmentIdKey = defineSearchAttributeKey('DepartmentId', SearchAttributeType.KEYWORD);

export const SEARCH_ATTRIBUTE_KEYS = [StageKey, JobIdKey, DepartmentIdKey] as const;
