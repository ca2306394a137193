import { describe, expect, test } from "bun:test";
import { roles } from "../tenants/tenants.tables.ts";
import { can, canAssignRole, type Permission, permissions } from "./permissions.ts";

// The whole matrix, written out: O = owner, A = admin, T = technician, C = collector, V = viewer.
const MATRIX: Record<Permission, string> = {
  "dashboard.view": "OATCV",
  "customers.view": "OATCV",
  "customers.manage": "OA",
  "plans.manage": "OA",
  "billing.view": "OA.CV",
  "billing.manage": "OA",
  "payments.record": "OA.C",
  "vouchers.manage": "OA",
  "network.view": "OAT.V",
  "network.manage": "OAT",
  "sites.manage": "OA",
  "tickets.manage": "OAT",
  "team.view": "OA..V",
  "team.manage": "OA",
  "settings.manage": "OA",
  "audit.view": "OA",
  "reports.view": "OA..V",
};
const LETTER = { owner: "O", admin: "A", technician: "T", collector: "C", viewer: "V" } as const;

describe("permission matrix", () => {
  test("every permission is in the table", () => {
    expect(Object.keys(MATRIX).sort()).toEqual([...permissions].sort());
  });

  for (const permission of permissions) {
    for (const role of roles) {
      const expected = MATRIX[permission].includes(LETTER[role]);
      test(`${role} ${expected ? "may" : "may not"} ${permission}`, () => {
        expect(can(role, permission)).toBe(expected);
      });
    }
  }

  test.each([
    ["owner", "owner", true],
    ["admin", "owner", false],
    ["admin", "admin", true],
    ["admin", "technician", true],
    ["technician", "viewer", false],
    ["collector", "collector", false],
    ["viewer", "viewer", false],
  ] as const)("%s assigning %s → %p", (actor, target, allowed) => {
    expect(canAssignRole(actor, target)).toBe(allowed);
  });
});
