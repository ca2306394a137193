import type { PagerProps } from "@kilusi/web/components/pager.tsx";
import { formatCount } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { Notice } from "@kilusi/web/layouts/framed-page.tsx";
import { type Context, Hono } from "hono";
import { actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { can } from "../auth/permissions.ts";
import { AppError, notFound } from "../http/errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf, isHtmx } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { isUuid } from "../team/team.schemas.ts";
import { SESSIONS_PAGE } from "./sessions.repository.ts";
import { type SessionListQuery, sessionListQuery, sessionsHref } from "./sessions.schemas.ts";
import { kickSession, kickStatus, sessionsPage } from "./sessions.usecases.ts";
import { KickSent, KickStatus, SessionsPage } from "./sessions.views.tsx";
import { subscriptionNetwork } from "./subscription-network.ts";
import { EnforcementBlock } from "./subscription-network.views.tsx";

type C = Context<AppEnv>;

/** A path id that is not a uuid is simply not there, like another tenant's. */
const idParam = (c: C, name: string, what: string) => {
  const id = c.req.param(name) ?? "";
  if (!isUuid(id)) throw notFound(what);
  return id.toLowerCase();
};

function pagerOf(c: C, q: SessionListQuery, shown: number, more: boolean): PagerProps | null {
  if (q.page === 1 && !more) return null;
  const t = translator(localeOf(c));
  const from = (q.page - 1) * SESSIONS_PAGE + 1;
  return {
    label: t("sessions.pager.label"),
    summary:
      shown > 0
        ? t("sessions.pager.summary", {
            from: formatCount(from, localeOf(c)),
            to: formatCount(from + shown - 1, localeOf(c)),
          })
        : "",
    previous:
      q.page > 1 ? { href: sessionsHref({ ...q, page: q.page - 1 }), label: t("sessions.pager.previous") } : null,
    next: more ? { href: sessionsHref({ ...q, page: q.page + 1 }), label: t("sessions.pager.next") } : null,
  };
}

const REFUSALS = { session_ended: "sessions.kick.ended", agent_not_enrolled: "sessions.kick.noAgent" } as const;

/**
 * The online sessions page and its kick (issue 6 §9), and the polled enforcement block of a
 * subscription's page. Seeing needs `network.view`; a kick acts on the network, audited, so it
 * needs `network.manage` (the read-only viewer sees the list without the button).
 */
export function radiusRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const view = requireTenant("network.view");
  const manage = requireTenant("network.manage");
  const ctxOf = (c: C) => ({
    t: translator(localeOf(c)),
    locale: localeOf(c),
    timeZone: actorOf(c).timeZone,
    now: deps.clock.now(),
  });

  const listPage = async (c: C, extra: { kicked?: string; error?: string } = {}, status: 200 | 409 = 200) => {
    const q = sessionListQuery.parse(c.req.query());
    const { rows, more, sites } = await sessionsPage(deps, actorOf(c), q);
    const kicked = extra.kicked ? await kickStatus(deps, actorOf(c), extra.kicked) : null;
    return c.html(
      <SessionsPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), "/sessions")}
        timeZone={actorOf(c).timeZone}
        now={deps.clock.now()}
        query={q}
        rows={rows}
        sites={sites}
        pager={pagerOf(c, q, rows.length, more)}
        canKick={can(tenantAuthOf(c).role, "network.manage")}
        kicked={kicked}
        error={extra.error}
      />,
      status,
    );
  };

  app.get("/sessions", view, (c) => {
    const kicked = c.req.query("kicked");
    return listPage(c, kicked && isUuid(kicked) ? { kicked: kicked.toLowerCase() } : {});
  });

  /** A plain form comes back to the list with the kick's status; htmx gets it in the button's place. */
  app.post("/sessions/:id/kick", manage, async (c) => {
    const sessionId = idParam(c, "id", "session");
    let cmdId: string;
    try {
      cmdId = await kickSession({ ...deps, send: deps.sync.sendCommand }, actorOf(c), sessionId, c.get("meta"));
    } catch (error) {
      const key = error instanceof AppError ? REFUSALS[error.code as keyof typeof REFUSALS] : undefined;
      if (!key) throw error;
      const text = translator(localeOf(c))(key);
      if (!isHtmx(c)) return listPage(c, { error: text }, 409);
      c.header("HX-Retarget", "#alerts");
      c.header("HX-Reswap", "innerHTML");
      return c.html(<Notice kind="error">{text}</Notice>, 409);
    }
    if (!isHtmx(c)) return c.redirect(`/sessions?kicked=${cmdId}`, 303);
    const command = await kickStatus(deps, actorOf(c), cmdId);
    if (!command) throw notFound("command");
    return c.html(<KickSent ctx={ctxOf(c)} sessionId={sessionId} command={command} />);
  });

  app.get("/sessions/kicks/:cmdId", view, async (c) => {
    const command = await kickStatus(deps, actorOf(c), idParam(c, "cmdId", "command"));
    if (!command) throw notFound("command");
    return c.html(<KickStatus ctx={ctxOf(c)} command={command} />);
  });

  app.get("/subscriptions/:id/enforcement", view, async (c) => {
    const network = await subscriptionNetwork(deps, actorOf(c), idParam(c, "id", "subscription"), false);
    if (!network) throw notFound("subscription");
    const { locale, timeZone, now } = ctxOf(c);
    return c.html(
      <EnforcementBlock
        locale={locale}
        timeZone={timeZone}
        now={now}
        subscriptionId={network.subscriptionId}
        event={network.event}
        change={network.change}
      />,
    );
  });

  return app;
}
