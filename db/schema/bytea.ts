import { customType } from 'drizzle-orm/pg-core';

/** Binary content (offer letters, onboarding documents) as bytes in, bytes out. */
export const bytea = customType<{ data: Uint8Array; driverData: Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (v instanceof Uint8Array ? v : new Uint8Array(v)),
});
