import type { FieldErrors } from "@kilusi/web/components/form-fields.tsx";
import { formatCount } from "@kilusi/web/format.ts";
import { type MessageKey, type Translate, translator } from "@kilusi/web/i18n/i18n.ts";
import {
  BatchPage,
  type BatchPageProps,
  BulkSell,
  BulkVoid,
  type BulkVoidForm,
} from "@kilusi/web/pages/vouchers/batch-page.tsx";
import { batchHref } from "@kilusi/web/pages/vouchers/format.ts";
import { VoucherRow } from "@kilusi/web/pages/vouchers/voucher-row.tsx";
import { VoucherSheetPage } from "@kilusi/web/pages/vouchers/voucher-sheet.tsx";
import { type Context, Hono } from "hono";
import { z } from "zod";
import { actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { MAX_BATCH } from "../billing/vouchers.models.ts";
import { AppError, notFound } from "../http/errors.ts";
import { fieldErrors, formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf, isHtmx } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { isUuid } from "../team/team.schemas.ts";
import { localDateOf, localDateTimeOf } from "../time/zoned.ts";
import { toCsv } from "./vouchers.csv.ts";
import { pagerOf, transitionRefusal } from "./vouchers.http.ts";
import {
  batchPage,
  exportBatch,
  findBatch,
  findVoucher,
  printSheet,
  type VoucherItem,
  voucherItem,
} from "./vouchers.queries.ts";
import {
  printQuery,
  sellManyInput,
  sellOneInput,
  VOUCHER_PAGE_SIZE,
  voidInput,
  voucherQuery,
} from "./vouchers.schemas.ts";
import { CARDS_PER_PRINT, loginUrlFor, qrDataUrl } from "./vouchers.sheet.ts";
import { sellFromBatch, sellVoucher, voidUnsold, voidVoucher } from "./vouchers.usecases.ts";

const NOTICES = {
  created: "vouchers.notice.created",
  sold: "vouchers.notice.sold",
  voided: "vouchers.notice.voided",
  soldOne: "vouchers.notice.soldOne",
  voidedOne: "vouchers.notice.voidedOne",
} as const satisfies Record<string, MessageKey>;

const doneQuery = z.object({
  done: z
    .enum(Object.keys(NOTICES) as [keyof typeof NOTICES])
    .optional()
    .catch(undefined),
  n: z.coerce.number().int().min(0).max(MAX_BATCH).optional().catch(undefined),
});

/** A message whose parameters are known only at run time (a notice picked from the URL). */
const say = (t: Translate, key: MessageKey, params?: Record<string, string>) =>
  (t as (k: MessageKey, p?: Record<string, string>) => string)(key, params);

const pad = (n: number) => String(n).padStart(2, "0");

/** A moment as spreadsheets read it, in the ISP's zone: "2026-03-05 14:30". */
function csvTime(at: Date | null, timeZone: string): string {
  if (!at) return "";
  const { date, time } = localDateTimeOf(at, timeZone);
  return `${date} ${pad(time.hour)}:${pad(time.minute)}`;
}

/** One batch's page, its vouchers' sales and voids, its CSV and its printable sheets. */
export function voucherBatchRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const guard = requireTenant("vouchers.manage");

  const idParam = (c: Context<AppEnv>, name: string, what: string) => {
    const id = c.req.param(name) ?? "";
    if (!isUuid(id)) throw notFound(what);
    return id;
  };
  const batchIdOf = (c: Context<AppEnv>) => idParam(c, "batchId", "voucher batch");

  async function page(
    c: Context<AppEnv>,
    batchId: string,
    extra: Partial<BatchPageProps> = {},
    status: 200 | 400 | 409 = 200,
  ) {
    const actor = actorOf(c);
    const locale = localeOf(c);
    const t = translator(locale);
    const query = voucherQuery.parse(c.req.query());
    const data = await batchPage(deps, actor, batchId, query);
    if (!data) throw notFound("voucher batch");
    const filters = { state: query.state, q: query.q };
    return c.html(
      <BatchPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), "/vouchers")}
        timeZone={actor.timeZone}
        currency={actor.currency}
        batch={data.batch}
        vouchers={data.vouchers}
        filters={filters}
        pager={pagerOf(t, locale, {
          page: query.page,
          size: VOUCHER_PAGE_SIZE,
          total: data.total,
          label: t("vouchers.batch.pages"),
          href: (p) => batchHref(batchId, { ...filters, page: p }),
        })}
        {...extra}
      />,
      status,
    );
  }

  /** After a bulk change: htmx navigates to the page (HX-Redirect), a plain form is redirected. */
  const finished = (c: Context<AppEnv>, location: string) => {
    if (!isHtmx(c)) return c.redirect(location, 303);
    c.header("HX-Redirect", location);
    return c.body(null, 200);
  };

  app.get("/vouchers/batches/:batchId", guard, async (c) => {
    const t = translator(localeOf(c));
    const { done, n } = doneQuery.parse(c.req.query());
    const notice = done ? say(t, NOTICES[done], { n: formatCount(n ?? 0, localeOf(c)) }) : undefined;
    return page(c, batchIdOf(c), { notice });
  });

  /** Selling or voiding one voucher: its row again for htmx, the batch page (303) for a plain form. */
  const voucherAction =
    (
      event: "sell" | "void",
      run: (c: Context<AppEnv>, voucher: VoucherItem, body: Record<string, string>) => Promise<VoucherItem | string>,
    ) =>
    async (c: Context<AppEnv>) => {
      const actor = actorOf(c);
      const locale = localeOf(c);
      const t = translator(locale);
      const batchId = batchIdOf(c);
      const voucherId = idParam(c, "voucherId", "voucher");
      const voucher = await findVoucher(deps, actor, batchId, voucherId);
      if (!voucher) throw notFound("voucher");
      const refuse = (status: 400 | 409, text: string, current: VoucherItem) =>
        isHtmx(c)
          ? c.html(
              <VoucherRow
                t={t}
                locale={locale}
                timeZone={actor.timeZone}
                batchId={batchId}
                voucher={current}
                error={text}
              />,
              status,
            )
          : page(c, batchId, { error: text }, status);
      try {
        const result = await run(c, voucher, formStrings(await c.req.parseBody()));
        if (typeof result === "string") return refuse(400, result, voucher);
        if (isHtmx(c)) {
          return c.html(
            <VoucherRow t={t} locale={locale} timeZone={actor.timeZone} batchId={batchId} voucher={result} />,
          );
        }
        const done = event === "sell" ? "soldOne" : "voidedOne";
        return c.redirect(`${batchHref(batchId, { q: result.code })}&done=${done}`, 303);
      } catch (error) {
        const text = transitionRefusal(t, error, voucher.code);
        if (!text) throw error;
        return refuse(409, text, (await findVoucher(deps, actor, batchId, voucherId)) ?? voucher);
      }
    };

  app.post(
    "/vouchers/batches/:batchId/vouchers/:voucherId/sell",
    guard,
    voucherAction("sell", async (c, voucher, body) => {
      const parsed = sellOneInput.safeParse(body);
      if (!parsed.success) return translator(localeOf(c))("vouchers.error.soldTo");
      const input = { batchId: voucher.batchId, voucherId: voucher.id, soldTo: parsed.data.soldTo };
      return voucherItem(await sellVoucher(deps, actorOf(c), input, c.get("meta")));
    }),
  );

  app.post(
    "/vouchers/batches/:batchId/vouchers/:voucherId/void",
    guard,
    voucherAction("void", async (c, voucher, body) => {
      const parsed = voidInput.safeParse(body);
      if (!parsed.success) return translator(localeOf(c))("vouchers.error.reason");
      const input = { batchId: voucher.batchId, voucherId: voucher.id, reason: parsed.data.reason };
      return voucherItem(await voidVoucher(deps, actorOf(c), input, c.get("meta")));
    }),
  );

  /** A bulk form refused: the form again with its errors (fragment for htmx, else the page). */
  async function refuseBulk(
    c: Context<AppEnv>,
    batchId: string,
    kind: "sell" | "void",
    form: { values: Record<string, string | undefined>; errors: FieldErrors },
    status: 400 | 409,
  ) {
    if (!isHtmx(c)) return page(c, batchId, kind === "sell" ? { bulkSell: form } : { bulkVoid: form }, status);
    const batch = await findBatch(deps, actorOf(c), batchId);
    if (!batch) throw notFound("voucher batch");
    const locale = localeOf(c);
    const t = translator(locale);
    return c.html(
      kind === "sell" ? (
        <BulkSell t={t} locale={locale} batch={batch} form={form} />
      ) : (
        <BulkVoid t={t} locale={locale} batch={batch} form={form as BulkVoidForm} />
      ),
      status,
    );
  }

  app.post("/vouchers/batches/:batchId/sell", guard, async (c) => {
    const batchId = batchIdOf(c);
    const t = translator(localeOf(c));
    const body = formStrings(await c.req.parseBody());
    const values = { count: body.count, soldTo: body.soldTo };
    const parsed = sellManyInput.safeParse(body);
    if (!parsed.success) {
      const errors = fieldErrors(t, parsed.error, {
        count: "vouchers.error.sellCount",
        soldTo: "vouchers.error.soldTo",
      });
      return refuseBulk(c, batchId, "sell", { values, errors }, 400);
    }
    try {
      const { sold } = await sellFromBatch(deps, actorOf(c), { batchId, ...parsed.data }, c.get("meta"));
      return finished(c, `/vouchers/batches/${batchId}?done=sold&n=${sold}`);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "voucher_not_enough") throw error;
      const available = Number(error.details?.available ?? 0);
      const text = t("vouchers.error.notEnough", { n: formatCount(available, localeOf(c)) });
      return refuseBulk(c, batchId, "sell", { values, errors: available > 0 ? { count: text } : { form: text } }, 409);
    }
  });

  app.post("/vouchers/batches/:batchId/void", guard, async (c) => {
    const batchId = batchIdOf(c);
    const t = translator(localeOf(c));
    const body = formStrings(await c.req.parseBody());
    const values = { reason: body.reason };
    const parsed = voidInput.safeParse(body);
    if (!parsed.success) {
      return refuseBulk(c, batchId, "void", { values, errors: { reason: t("vouchers.error.reason") } }, 400);
    }
    try {
      const { voided } = await voidUnsold(deps, actorOf(c), { batchId, reason: parsed.data.reason }, c.get("meta"));
      return finished(c, `/vouchers/batches/${batchId}?done=voided&n=${voided}`);
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "voucher_not_enough") throw error;
      return refuseBulk(c, batchId, "void", { values, errors: { form: t("vouchers.error.nothingToVoid") } }, 409);
    }
  });

  app.get("/vouchers/batches/:batchId/vouchers.csv", guard, async (c) => {
    const actor = actorOf(c);
    const t = translator(localeOf(c));
    const data = await exportBatch(deps, actor, batchIdOf(c));
    if (!data) throw notFound("voucher batch");
    const tz = actor.timeZone;
    const rows = [
      [
        t("vouchers.voucher.code"),
        t("vouchers.voucher.state"),
        t("vouchers.voucher.soldTo"),
        t("vouchers.voucher.soldAt"),
        t("vouchers.voucher.activatedAt"),
        t("vouchers.voucher.expiresAt"),
      ],
      ...data.vouchers.map((v) => [
        v.code,
        t(`vouchers.state.${v.state}`),
        v.soldTo ?? "",
        csvTime(v.soldAt, tz),
        csvTime(v.activatedAt, tz),
        csvTime(v.expiresAt, tz),
      ]),
    ];
    const name = ["voucher", data.batch.prefix.replace(/-+$/, ""), localDateOf(data.batch.createdAt, tz)]
      .filter(Boolean)
      .join("-");
    return c.body(toCsv(rows), 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}.csv"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    });
  });

  app.get("/vouchers/batches/:batchId/print", guard, async (c) => {
    const actor = actorOf(c);
    const locale = localeOf(c);
    const t = translator(locale);
    const batchId = batchIdOf(c);
    const query = printQuery.parse(c.req.query());
    const data = await printSheet(deps, actor, batchId, query);
    if (!data) throw notFound("voucher batch");
    const href = (p: number) => {
      const params = new URLSearchParams();
      if (query.state) params.set("state", query.state);
      if (p > 1) params.set("page", String(p));
      const s = params.toString();
      return `/vouchers/batches/${batchId}/print${s ? `?${s}` : ""}`;
    };
    return c.html(
      <VoucherSheetPage
        locale={locale}
        assets={deps.assets}
        ispName={tenantAuthOf(c).tenant.name}
        batchId={batchId}
        planName={data.batch.planName}
        validity={data.batch.validity}
        price={data.batch.price}
        currency={actor.currency}
        cards={data.vouchers.map((v) => ({ code: v.code, qrSrc: qrDataUrl(loginUrlFor(data.loginUrl, v.code)) }))}
        state={query.state}
        pager={pagerOf(t, locale, {
          page: query.page,
          size: CARDS_PER_PRINT,
          total: data.total,
          label: t("vouchers.sheet.pages"),
          href,
        })}
      />,
    );
  });

  return app;
}
