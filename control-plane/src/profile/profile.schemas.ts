import { z } from "zod";
import { password, personName, phone } from "../accounts/accounts.schemas.ts";
import { PASSWORD_MAX } from "../accounts/passwords.ts";

// Only what each form shows: a posted email, status or platform_operator is dropped here.

const optionalPhone = z
  .string()
  .trim()
  .max(40)
  .pipe(z.union([z.literal("").transform(() => null), phone]));

export const detailsInput = z.object({ name: personName, phone: optionalPhone.default("") });
export type DetailsInput = z.infer<typeof detailsInput>;

export const passwordInput = z.object({ current: z.string().min(1).max(PASSWORD_MAX), next: password });

export const codeInput = z.object({ code: z.string().trim().max(20) });

export const disableInput = z.object({
  password: z.string().min(1).max(PASSWORD_MAX),
  code: z.string().trim().max(20),
});
