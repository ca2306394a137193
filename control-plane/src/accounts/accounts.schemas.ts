import { toE164 } from "@kilusi/shared/phone";
import { z } from "zod";
import { PASSWORD_MAX, PASSWORD_MIN } from "./passwords.ts";

// Unknown fields (tenant_id, role, platform_operator…) are dropped by zod's default object
// parsing: a form can never assign what it does not show.

export const email = z
  .string()
  .trim()
  .toLowerCase()
  .max(254, "too long")
  .pipe(z.email({ error: "not an e-mail address" }));

export const password = z
  .string()
  .min(PASSWORD_MIN, `at least ${PASSWORD_MIN} characters`)
  .max(PASSWORD_MAX, `at most ${PASSWORD_MAX} characters`);

export const personName = z.string().trim().min(1, "required").max(100, "too long");

export const phone = z
  .string()
  .trim()
  .transform((v, ctx) => {
    const e164 = toE164(v);
    if (!e164) {
      ctx.addIssue({ code: "custom", message: "not a phone number (e.g. 0812 3456 7890)" });
      return z.NEVER;
    }
    return e164;
  });

export const slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9](?:[a-z0-9-]{0,46}[a-z0-9])?$/, "lower-case letters, digits and dashes (2–48)");

export const signupInput = z.object({
  ispName: z.string().trim().min(2, "required").max(100, "too long"),
  slug,
  ownerName: personName,
  email,
  phone,
  password,
});
export type SignupInput = z.infer<typeof signupInput>;

export const loginInput = z.object({
  email: z.string().trim().toLowerCase().max(254),
  password: z.string().max(PASSWORD_MAX),
});

export const resetRequestInput = z.object({ email: z.string().trim().toLowerCase().max(254) });
export const resetInput = z.object({ token: z.string().max(200), password });
