import type { FieldErrors } from "@kilusi/web/components/form-fields.tsx";
import { translator } from "@kilusi/web/i18n/i18n.ts";
import { BillingSettingsPage, type BillingSettingsValues } from "@kilusi/web/pages/settings/billing-settings-page.tsx";
import { type Context, Hono } from "hono";
import { actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { billingSettingsInput } from "../billing/billing-settings.schemas.ts";
import { billingSettingsOf, updateBillingSettings } from "../billing/billing-settings.usecases.ts";
import { fieldErrors, formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";

const percent = (bp: number) => (bp / 100).toString();

/** Settings → Billing: invoice terms, the dunning schedule, the isolation policy, hotspot login. */
export function billingSettingsRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();

  const page = (c: Context<AppEnv>, values: BillingSettingsValues, errors: FieldErrors, status: 200 | 400 = 200) =>
    c.html(
      <BillingSettingsPage
        frame={frameOf(c, deps.assets, tenantAuthOf(c), "/settings")}
        values={values}
        errors={errors}
        saved={c.req.query("done") === "saved"}
      />,
      status,
    );

  app.get("/settings/billing", requireTenant("settings.manage"), async (c) => {
    const s = await deps.database.withTenant(actorOf(c).tenantId, (tx) => billingSettingsOf(tx, actorOf(c).tenantId));
    return page(
      c,
      {
        invoiceDueDays: String(s.invoiceDueDays),
        invoicePrefix: s.invoicePrefix,
        reminderOffsets: s.policy.reminderOffsets.join(", "),
        graceDays: String(s.policy.graceDays),
        isolateAfterDays: s.policy.isolateAfterDays === null ? "" : String(s.policy.isolateAfterDays),
        isolationProfile: s.isolationProfile,
        isolationAddressList: s.isolationAddressList,
        isolationRateLimit: s.isolationRateLimit ?? "",
        isolationPool: s.isolationPool ?? "",
        defaultTaxRate: percent(s.defaultTaxRateBp),
        defaultTaxInclusive: s.defaultTaxInclusive,
        hotspotLoginUrl: s.hotspotLoginUrl,
        invoiceFooter: s.invoiceFooter ?? "",
      },
      {},
    );
  });

  app.post("/settings/billing", requireTenant("settings.manage"), async (c) => {
    const body = formStrings(await c.req.parseBody());
    const parsed = billingSettingsInput.safeParse(body);
    if (!parsed.success) {
      const t = translator(localeOf(c));
      const errors = fieldErrors(t, parsed.error, {
        invoiceDueDays: "billing.error.invoiceDueDays",
        invoicePrefix: "billing.error.invoicePrefix",
        reminderOffsets: "billing.error.reminderOffsets",
        graceDays: "billing.error.graceDays",
        isolateAfterDays: "billing.error.isolateAfterDays",
        isolationProfile: "billing.error.routerName",
        isolationAddressList: "billing.error.routerName",
        isolationRateLimit: "billing.error.rateLimit",
        isolationPool: "billing.error.routerName",
        defaultTaxRate: "billing.error.defaultTaxRate",
        hotspotLoginUrl: "billing.error.hotspotLoginUrl",
        invoiceFooter: "billing.error.invoiceFooter",
      });
      const s = (k: string) => body[k] ?? "";
      return page(
        c,
        {
          invoiceDueDays: s("invoiceDueDays"),
          invoicePrefix: s("invoicePrefix"),
          reminderOffsets: s("reminderOffsets"),
          graceDays: s("graceDays"),
          isolateAfterDays: s("isolateAfterDays"),
          isolationProfile: s("isolationProfile"),
          isolationAddressList: s("isolationAddressList"),
          isolationRateLimit: s("isolationRateLimit"),
          isolationPool: s("isolationPool"),
          defaultTaxRate: s("defaultTaxRate"),
          defaultTaxInclusive: body.defaultTaxInclusive === "on",
          hotspotLoginUrl: s("hotspotLoginUrl"),
          invoiceFooter: s("invoiceFooter"),
        },
        errors,
        400,
      );
    }
    await updateBillingSettings(deps, actorOf(c), parsed.data, c.get("meta"));
    return c.redirect("/settings/billing?done=saved", 303);
  });

  return app;
}
