import type { Role } from "../tenants/tenants.tables.ts";

// One table decides what each role may do; middleware and navigation both read it.
export const permissions = [
  "dashboard.view",
  "customers.view",
  "customers.manage",
  "plans.manage",
  "billing.view",
  "billing.manage",
  "payments.record",
  "vouchers.manage",
  "network.view",
  "network.manage",
  "sites.manage",
  "tickets.manage",
  "team.view",
  "team.manage",
  "settings.manage",
  "audit.view",
  "reports.view",
] as const;
export type Permission = (typeof permissions)[number];

const everything = new Set<Permission>(permissions);

export const rolePermissions: Record<Role, ReadonlySet<Permission>> = {
  owner: everything,
  admin: everything,
  technician: new Set(["dashboard.view", "customers.view", "network.view", "network.manage", "tickets.manage"]),
  collector: new Set(["dashboard.view", "customers.view", "billing.view", "payments.record"]),
  viewer: new Set(["dashboard.view", "customers.view", "billing.view", "network.view", "team.view", "reports.view"]),
};

export function can(role: Role, permission: Permission): boolean {
  return rolePermissions[role].has(permission);
}

/** Only an owner may hand out or take away ownership, or change another owner. */
export function canAssignRole(actor: Role, target: Role): boolean {
  if (target === "owner") return actor === "owner";
  return actor === "owner" || actor === "admin";
}
