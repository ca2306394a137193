import type { Context } from "hono";
import type { Role } from "../tenants/tenants.tables.ts";
import { type AuthEnv, tenantAuthOf } from "./auth.middleware.ts";

/** Who acts inside a tenant: taken from the session by the route, never from the form. */
export interface Actor {
  userId: string;
  tenantId: string;
  role: Role;
  /** The tenant's zone and currency, for decisions and amounts in the tenant's terms. */
  timeZone: string;
  currency: string;
  locale: "id" | "en";
}

/** The actor of a request that passed `requireTenant`. */
export function actorOf<E extends AuthEnv>(c: Context<E>): Actor {
  const auth = tenantAuthOf(c);
  return {
    userId: auth.user.id,
    tenantId: auth.tenant.id,
    role: auth.role,
    timeZone: auth.tenant.timeZone,
    currency: auth.tenant.currency,
    locale: auth.tenant.locale,
  };
}
