import { formatMoney } from "@kilusi/web/format.ts";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { DayPage } from "@kilusi/web/pages/payments/day-page.tsx";
import { hrefWith } from "@kilusi/web/pages/payments/format.ts";
import { ReceiptPage, ReverseForm, type ReverseFormState } from "@kilusi/web/pages/payments/receipt-page.tsx";
import { type Context, Hono } from "hono";
import { type Actor, actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { can } from "../auth/permissions.ts";
import { AppError, notFound } from "../http/errors.ts";
import { formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf, isHtmx } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { isUuid } from "../team/team.schemas.ts";
import { localDateOf } from "../time/zoned.ts";
import { collectorPayments, memberOf, paymentTakers, type Receipt, receiptOf } from "./payments.repository.ts";
import { dayQuery, reverseInput } from "./payments.schemas.ts";
import { collectorDay, reversePayment } from "./payments.usecases.ts";

const NOTICES = ["recorded", "again", "reversed"] as const;

/** Receipts, their reversal, and a collector's day. */
export function paymentReceiptRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();

  /**
   * The receipt of the URL, or 404: a malformed id, another tenant's payment, a reversal row,
   * and — for a collector — someone else's payment are all simply not there.
   */
  async function shownReceipt(c: Context<AppEnv>, actor: Actor): Promise<Receipt> {
    const id = c.req.param("id") ?? "";
    const receipt = isUuid(id) ? await receiptOf(deps.database, actor, id) : null;
    if (!receipt) throw notFound("payment");
    if (receipt.collectorUserId !== actor.userId && !can(actor.role, "billing.manage")) throw notFound("payment");
    return receipt;
  }

  const receiptPage = (
    c: Context<AppEnv>,
    receipt: Receipt,
    extra: { reverse?: ReverseFormState; error?: string } = {},
    status: 200 | 400 | 409 = 200,
  ) => {
    const actor = actorOf(c);
    const mayReverse = can(actor.role, "billing.manage") && receipt.reversal === null;
    const day = localDateOf(receipt.receivedAt, actor.timeZone);
    const dayHref = receipt.collectorUserId
      ? hrefWith("/payments/day", {
          day,
          collector: receipt.collectorUserId === actor.userId ? undefined : receipt.collectorUserId,
        })
      : null;
    return c.html(
      <ReceiptPage
        locale={localeOf(c)}
        assets={deps.assets}
        ispName={tenantAuthOf(c).tenant.name}
        currency={actor.currency}
        timeZone={actor.timeZone}
        receipt={receipt}
        notice={NOTICES.find((n) => n === c.req.query("done"))}
        restored={c.req.query("restored") === "1"}
        dayHref={dayHref}
        error={extra.error}
        reverse={mayReverse ? (extra.reverse ?? { reason: "" }) : null}
      />,
      status,
    );
  };

  app.get("/payments/:id/receipt", requireTenant("payments.record"), async (c) =>
    receiptPage(c, await shownReceipt(c, actorOf(c))),
  );

  app.post("/payments/:id/reverse", requireTenant("billing.manage"), async (c) => {
    const actor = actorOf(c);
    const t = translator(localeOf(c));
    const receipt = await shownReceipt(c, actor);
    const body = formStrings(await c.req.parseBody());
    // htmx swaps the form for itself with the refusal in it; a plain form gets the page again.
    const fragment = (status: 400 | 409, state: ReverseFormState) => {
      const confirm = t("payments.reverse.confirm", {
        amount: formatMoney(receipt.amountMinor, actor.currency, localeOf(c)),
        name: receipt.customerName,
      });
      return c.html(<ReverseForm t={t} paymentId={receipt.id} confirm={confirm} state={state} />, status);
    };
    const parsed = reverseInput.safeParse(body);
    if (!parsed.success) {
      const state = { reason: body.reason ?? "", error: t("payments.error.reason") };
      return isHtmx(c) ? fragment(400, state) : receiptPage(c, receipt, { reverse: state }, 400);
    }
    try {
      await reversePayment(deps, actor, receipt.id, parsed.data.reason, c.get("meta"));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "already_reversed") throw error;
      const message = t("payments.error.alreadyReversed");
      if (isHtmx(c)) return fragment(409, { reason: body.reason ?? "", formError: message });
      return receiptPage(c, await shownReceipt(c, actor), { error: message }, 409);
    }
    const to = `/payments/${receipt.id}/receipt?done=reversed`;
    if (!isHtmx(c)) return c.redirect(to, 303);
    c.header("HX-Redirect", to);
    return c.body(null, 204);
  });

  app.get("/payments/day", requireTenant("payments.record"), async (c) => {
    const actor = actorOf(c);
    const t = translator(localeOf(c));
    const raw = c.req.query();
    const manager = can(actor.role, "billing.manage");
    // Someone else's day is not there for a collector; a made-up id is not there for anyone.
    const collectorId = raw.collector?.trim() || actor.userId;
    if (!isUuid(collectorId) || (collectorId !== actor.userId && !manager)) throw notFound("collector");
    const collector = await memberOf(deps.database, actor, collectorId);
    if (!collector) throw notFound("collector");
    const parsed = dayQuery.safeParse(raw);
    const today = localDateOf(deps.clock.now(), actor.timeZone);
    const badDay = !parsed.success && parsed.error.issues.some((i) => i.path[0] === "day");
    // A wrong date is shown with its error over today's figures, never over nothing.
    const day = (parsed.success && parsed.data.day) || today;
    const methods = await collectorDay(deps, actor, collector.id, day);
    const payments = await collectorPayments(deps.database, actor, collector.id, day);
    let collectors: { id: string; name: string }[] | null = null;
    if (manager) {
      collectors = await paymentTakers(deps.database, actor);
      if (!collectors.some((m) => m.id === collector.id)) collectors.unshift(collector);
    }
    return c.html(
      <DayPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), "/payments/day")}
        currency={actor.currency}
        timeZone={actor.timeZone}
        day={day}
        dayValue={badDay ? (raw.day ?? "") : day}
        collector={collector}
        collectors={collectors}
        methods={methods}
        payments={payments}
        errors={badDay ? { day: t("payments.error.day") } : {}}
      />,
      badDay ? 400 : 200,
    );
  });

  return app;
}
