export * from './users';
export * from './departments';
export * from './settings';
export * from './jobs';
export * from './applications';
export * from './idempotency';
export * from './messages';
export * from './offers';
