import { z } from 'zod';

/** A user as the API shows one (never a token or key). */
export const ZUserSchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  roles: z.array(z.string()),
  departmentId: z.string().nullable(),
  active: z.boolean(),
});
export type TUser = z.infer<typeof ZUserSchema>;
