export { applicationWorkflow } from './application';
export { retentionWorkflow } from './retention';
