import { z } from "zod";
import { email, password, personName, phone } from "../accounts/accounts.schemas.ts";
import { roles } from "../tenants/tenants.tables.ts";

// Zod objects drop unknown keys: a posted tenant_id, user_id or status never reaches a use-case.

/** Ownership is handed over by changing a member's role, never by invitation (a table check agrees). */
export const invitableRoles = ["admin", "technician", "collector", "viewer"] as const;
export type InvitableRole = (typeof invitableRoles)[number];

export const inviteInput = z.object({ email, role: z.enum(invitableRoles) });
export type InviteInput = z.infer<typeof inviteInput>;

export const roleInput = z.object({ role: z.enum(roles) });

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Ids from the URL: anything that is not a UUID cannot name a row, so it is simply "not found". */
export function isUuid(value: string): boolean {
  return UUID.test(value);
}

/** Phone is optional when accepting an invitation: empty means none. */
const optionalPhone = z
  .string()
  .trim()
  .max(40)
  .pipe(z.union([z.literal("").transform(() => null), phone]));

export const newAccountInput = z.object({ name: personName, phone: optionalPhone.default(""), password });
