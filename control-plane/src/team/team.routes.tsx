import type { FieldErrors } from "@kilusi/web/components/form-fields.tsx";
import { type MessageKey, type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import { MemberItem, type MemberView, TeamPage, type TeamPageProps } from "@kilusi/web/pages/team/team-page.tsx";
import { type Context, Hono } from "hono";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { can, canAssignRole } from "../auth/permissions.ts";
import { AppError, notFound } from "../http/errors.ts";
import { fieldErrors, formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf, isHtmx, originOf } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { type Role, roles } from "../tenants/tenants.tables.ts";
import { invitationRoutes } from "./invitations.routes.tsx";
import { inviteMember, revokeInvitation } from "./invitations.usecases.ts";
import { invitableRoles, inviteInput, isUuid, roleInput } from "./team.schemas.ts";
import {
  changeMemberRole,
  findMember,
  listTeam,
  type Member,
  setMemberStatus,
  type TeamActor,
} from "./team.usecases.ts";

type TeamAuth = ReturnType<typeof tenantAuthOf>;
const NOTICES = ["invited", "revoked", "role", "disabled", "enabled"] as const;

const actorOf = (auth: TeamAuth): TeamActor => ({ userId: auth.user.id, tenantId: auth.tenant.id, role: auth.role });

function memberView(actorRole: Role, actorId: string, m: Member): MemberView {
  return {
    ...m,
    isSelf: m.userId === actorId,
    manageable: canAssignRole(actorRole, m.role),
    roleOptions: roles.filter((r) => canAssignRole(actorRole, r)),
  };
}

// Refusals a person can cause by what they click, each explained in their language.
const REFUSALS: Readonly<Record<string, MessageKey>> = {
  last_owner: "team.error.lastOwner",
  role_not_allowed: "team.error.roleNotAllowed",
  self_disable: "team.error.selfDisable",
  validation_failed: "team.error.role",
};

/** What a refused change says to the person; null for errors that are not refusals. */
function refusal(t: Translate, error: unknown): { status: AppError["status"]; text: string } | null {
  if (!(error instanceof AppError)) return null;
  const key = REFUSALS[error.code];
  return key ? { status: error.status, text: t(key as "team.error.role") } : null;
}

/** Pages and actions for team members, roles and invitations. */
export function teamRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();

  async function page(c: Context, a: TeamAuth, extra: Partial<TeamPageProps> = {}) {
    const team = await listTeam(deps, actorOf(a));
    return (
      <TeamPage
        frame={frameOf(c, deps.assets, a, "/team")}
        timeZone={a.tenant.timeZone}
        members={team.members.map((m) => memberView(a.role, a.user.id, m))}
        invitations={team.invitations}
        canManage={can(a.role, "team.manage")}
        inviteRoles={invitableRoles.filter((r) => canAssignRole(a.role, r))}
        {...extra}
      />
    );
  }

  app.get("/team", requireTenant("team.view"), async (c) => {
    const done = NOTICES.find((n) => n === c.req.query("done"));
    return c.html(await page(c, tenantAuthOf(c), { notice: done }));
  });

  app.post("/team/invite", requireTenant("team.manage"), async (c) => {
    const auth = tenantAuthOf(c);
    const t = translator(localeOf(c));
    const body = formStrings(await c.req.parseBody());
    const values = { email: body.email, role: body.role };
    const parsed = inviteInput.safeParse(body);
    const again = async (status: 400 | 403 | 409 | 429, errors: FieldErrors, formError?: string) =>
      c.html(await page(c, auth, { invite: { values, errors, formError } }), status);
    if (!parsed.success) {
      return again(400, fieldErrors(t, parsed.error, { email: "team.invite.error.email", role: "team.error.role" }));
    }
    try {
      await inviteMember(
        deps,
        actorOf(auth),
        { ...parsed.data, origin: originOf(c, deps.config.http.publicUrl) },
        c.get("meta"),
      );
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === "already_member") return again(409, { email: t("team.invite.error.member") });
      if (error.code === "role_not_allowed") return again(403, { role: t("team.error.roleNotAllowed") });
      if (error.code === "rate_limited") return again(429, {}, t("team.invite.error.rateLimited"));
      throw error;
    }
    return c.redirect("/team?done=invited", 303);
  });

  /** A change to one member: the row again for htmx, the page (303) for a plain form. */
  const memberAction =
    (run: (c: Context<AppEnv>, actor: TeamActor, member: Member) => Promise<{ member: Member; done: string }>) =>
    async (c: Context<AppEnv>) => {
      const auth = tenantAuthOf(c);
      const t = translator(localeOf(c));
      const userId = c.req.param("userId") ?? "";
      const member = isUuid(userId) ? await findMember(deps, actorOf(auth), userId) : null;
      if (!member) throw notFound("member");
      try {
        const result = await run(c, actorOf(auth), member);
        if (!isHtmx(c)) return c.redirect(`/team?done=${result.done}`, 303);
        // Whoever changed their own role sees the row as their new role allows.
        const role = result.member.userId === auth.user.id ? result.member.role : auth.role;
        return c.html(
          <MemberItem
            t={t}
            member={memberView(role, auth.user.id, result.member)}
            canManage={can(role, "team.manage")}
          />,
        );
      } catch (error) {
        const refused = refusal(t, error);
        if (!refused) throw error;
        if (!isHtmx(c)) return c.html(await page(c, auth, { error: refused.text }), refused.status);
        const view = memberView(auth.role, auth.user.id, member);
        return c.html(<MemberItem t={t} member={view} canManage error={refused.text} />, refused.status);
      }
    };

  app.post(
    "/team/members/:userId/role",
    requireTenant("team.manage"),
    memberAction(async (c, actor, member) => {
      const parsed = roleInput.safeParse(formStrings(await c.req.parseBody()));
      if (!parsed.success) throw new AppError("validation_failed", 400, "Choose a role.");
      const changed = await changeMemberRole(
        deps,
        actor,
        { userId: member.userId, role: parsed.data.role },
        c.get("meta"),
      );
      return { member: changed, done: "role" };
    }),
  );

  for (const status of ["disabled", "enabled"] as const) {
    const verb = status === "disabled" ? "disable" : "enable";
    app.post(
      `/team/members/:userId/${verb}`,
      requireTenant("team.manage"),
      memberAction(async (c, actor, member) => {
        const next = status === "disabled" ? "disabled" : "active";
        const result = await setMemberStatus(deps, actor, { userId: member.userId, status: next }, c.get("meta"));
        return { member: result.member, done: status };
      }),
    );
  }

  app.post("/team/invitations/:invitationId/revoke", requireTenant("team.manage"), async (c) => {
    const auth = tenantAuthOf(c);
    await revokeInvitation(deps, actorOf(auth), c.req.param("invitationId"), c.get("meta"));
    // htmx swaps the invitation's row for nothing: it is gone from the list.
    if (isHtmx(c)) return c.html("");
    return c.redirect("/team?done=revoked", 303);
  });

  app.route("/", invitationRoutes(deps));
  return app;
}
