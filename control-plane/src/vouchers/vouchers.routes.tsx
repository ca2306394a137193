import type { FieldErrors } from "@kilusi/web/components/form-fields.tsx";
import { formatCount } from "@kilusi/web/format.ts";
import { type MessageKey, translator } from "@kilusi/web/i18n/i18n.ts";
import { BatchesPage } from "@kilusi/web/pages/vouchers/batches-page.tsx";
import { type BatchFormValues, NewBatchPage } from "@kilusi/web/pages/vouchers/new-batch-page.tsx";
import { type Context, Hono } from "hono";
import { actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { AppError } from "../http/errors.ts";
import { fieldErrors, formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { voucherBatchRoutes } from "./voucher-batch.routes.tsx";
import { pagerOf } from "./vouchers.http.ts";
import { batchesPage } from "./vouchers.queries.ts";
import { BATCH_PAGE_SIZE, batchInput, batchListQuery, DEFAULT_CODE_LENGTH } from "./vouchers.schemas.ts";
import { batchFormChoices, createBatch } from "./vouchers.usecases.ts";

const FIELD_MESSAGES: Readonly<Record<string, MessageKey>> = {
  planId: "vouchers.error.plan",
  siteId: "vouchers.error.site",
  count: "vouchers.error.count",
  prefix: "vouchers.error.prefix",
  codeLength: "vouchers.error.codeLength",
  price: "vouchers.error.price",
  resellerPrice: "vouchers.error.price",
};

// Refusals of the use-case that belong beside one field, by error code.
const REFUSAL_MESSAGES: Readonly<Record<string, MessageKey>> = {
  voucher_plan_unknown: "vouchers.error.plan",
  voucher_plan_archived: "vouchers.error.planArchived",
  voucher_plan_not_prepaid: "vouchers.error.planNotVoucher",
  voucher_site_unknown: "vouchers.error.site",
  voucher_reseller_above_price: "vouchers.error.resellerAbovePrice",
};

/** Pages and actions of the vouchers area: the batches, a new batch, and each batch's pages. */
export function vouchersRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const guard = requireTenant("vouchers.manage");

  app.get("/vouchers", guard, async (c) => {
    const actor = actorOf(c);
    const locale = localeOf(c);
    const t = translator(locale);
    const { page } = batchListQuery.parse(c.req.query());
    const { batches, total } = await batchesPage(deps, actor, page);
    return c.html(
      <BatchesPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), "/vouchers")}
        timeZone={actor.timeZone}
        currency={actor.currency}
        batches={batches}
        pager={pagerOf(t, locale, {
          page,
          size: BATCH_PAGE_SIZE,
          total,
          label: t("vouchers.batches.pages"),
          href: (p) => (p > 1 ? `/vouchers?page=${p}` : "/vouchers"),
        })}
      />,
    );
  });

  async function form(
    c: Context<AppEnv>,
    values: BatchFormValues,
    extra: { errors?: FieldErrors; formError?: string } = {},
    status: 200 | 400 | 409 | 422 = 200,
  ) {
    const actor = actorOf(c);
    const choices = await batchFormChoices(deps, actor);
    return c.html(
      <NewBatchPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), "/vouchers")}
        currency={actor.currency}
        plans={choices.plans}
        sites={choices.sites}
        values={values}
        {...extra}
      />,
      status,
    );
  }

  app.get("/vouchers/new", guard, (c) => form(c, { codeLength: String(DEFAULT_CODE_LENGTH) }));

  app.post("/vouchers", guard, async (c) => {
    const actor = actorOf(c);
    const t = translator(localeOf(c));
    const body = formStrings(await c.req.parseBody());
    const values: BatchFormValues = {
      planId: body.planId,
      siteId: body.siteId,
      count: body.count,
      prefix: body.prefix,
      codeLength: body.codeLength,
      price: body.price,
      resellerPrice: body.resellerPrice,
    };
    const parsed = batchInput(actor.currency).safeParse(body);
    if (!parsed.success) return form(c, values, { errors: fieldErrors(t, parsed.error, FIELD_MESSAGES) }, 400);
    try {
      const { batchId } = await createBatch(deps, actor, parsed.data, c.get("meta"));
      return c.redirect(`/vouchers/batches/${batchId}?done=created&n=${parsed.data.count}`, 303);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      if (error.code === "voucher_code_conflict")
        return form(c, values, { formError: t("vouchers.error.conflict") }, 409);
      const field = error.details?.field;
      if (typeof field !== "string") throw error;
      if (error.code === "voucher_space_too_small") {
        const { remaining, suggested } = error.details as { remaining: number; suggested: number | null };
        const params = { length: parsed.data.codeLength, remaining: formatCount(remaining, localeOf(c)) };
        const text =
          suggested === null
            ? t("vouchers.error.spaceTooSmallNone", params)
            : t("vouchers.error.spaceTooSmall", { ...params, suggested });
        return form(c, values, { errors: { codeLength: text } }, 422);
      }
      const key = REFUSAL_MESSAGES[error.code];
      if (!key) throw error;
      return form(c, values, { errors: { [field]: t(key as "vouchers.error.plan") } }, 422);
    }
  });

  app.route("/", voucherBatchRoutes(deps));
  return app;
}
