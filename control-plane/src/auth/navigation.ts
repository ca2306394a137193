import type { AppArea } from "@kilusi/web/layouts/app-shell.tsx";
import type { Role } from "../tenants/tenants.tables.ts";
import { can, type Permission } from "./permissions.ts";

/** The permission that makes each area of the signed-in app visible in the menu. */
export const areaPermissions: Readonly<Record<AppArea, Permission>> = {
  dashboard: "dashboard.view",
  customers: "customers.view",
  plans: "plans.manage",
  invoices: "billing.view",
  payments: "payments.record",
  vouchers: "vouchers.manage",
  reports: "reports.view",
  network: "network.view",
  sessions: "network.view",
  tickets: "tickets.manage",
  team: "team.view",
  audit: "audit.view",
  settings: "settings.manage",
};

/**
 * The areas a role may open, for `appNavItems(locale, path, navAreasFor(role))`. The menu and
 * the route guards read the same permission table, so a link is never shown to a 404.
 */
export function navAreasFor(role: Role): AppArea[] {
  return (Object.keys(areaPermissions) as AppArea[]).filter((area) => can(role, areaPermissions[area]));
}
