import { translator } from "@kilusi/web/i18n/i18n.ts";
import {
  ImportPage,
  type ImportPageProps,
  type ImportReportView,
  ImportResult,
} from "@kilusi/web/pages/customers/import-page.tsx";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf, isHtmx } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { IMPORT_MAX_BYTES, readImport } from "./customers.import.ts";
import { importCustomers } from "./customers.usecases.ts";

// Room for the multipart framing around a file at the limit; anything larger is cut off unread.
const UPLOAD_LIMIT_BYTES = IMPORT_MAX_BYTES + 64 * 1024;

// Written by hand rather than by toCsv: an example of what people type, not guarded cells.
const TEMPLATE =
  "\uFEFFname,phone,email,address,latitude,longitude,tags,notes\r\n" +
  'Budi Santoso,0812 3456 7890,budi@example.com,"Jl. Merdeka No. 1, RT 03/RW 05",-6.2088,106.8456,"vip, RT 03",Pasang 10 Mei\r\n';

type Params = Readonly<Record<string, string | number>>;

/** The CSV import: check (a dry run) or import, with a report of every bad row. */
export function customerImportRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();

  const answer = (c: Context<AppEnv>, props: Omit<ImportPageProps, "frame">, status: ContentfulStatusCode) =>
    // htmx swaps only the result, so the chosen file stays chosen for "Import" after "Check".
    isHtmx(c)
      ? c.html(<ImportResult locale={localeOf(c)} {...props} />, status)
      : c.html(<ImportPage frame={frameOf(c, deps.assets, tenantAuthOf(c), "/customers/import")} {...props} />, status);

  app.get("/customers/import", requireTenant("customers.manage"), (c) => answer(c, {}, 200));

  app.get("/customers/import/template.csv", requireTenant("customers.manage"), (c) =>
    c.body(TEMPLATE, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="customers-template.csv"',
    }),
  );

  app.post(
    "/customers/import",
    requireTenant("customers.manage"),
    bodyLimit({
      maxSize: UPLOAD_LIMIT_BYTES,
      onError: (c) =>
        answer(c as Context<AppEnv>, { fileError: translator(localeOf(c))("customers.import.error.tooLarge") }, 413),
    }),
    async (c) => {
      const t = translator(localeOf(c)) as (key: string, params?: Params) => string;
      const body = await c.req.parseBody();
      const file = body.file;
      const mode = body.mode === "import" ? "import" : "check";
      if (!(file instanceof File) || file.size === 0) {
        return answer(c, { fileError: t("customers.import.error.missing") }, 400);
      }
      const reading = readImport(new Uint8Array(await file.arrayBuffer()));
      if (!reading.ok) {
        const status = reading.error.key === "customers.import.error.tooLarge" ? 413 : 400;
        return answer(c, { fileError: t(reading.error.key, reading.error.params) }, status);
      }
      const fileName = file.name.slice(0, 200);
      const report: ImportReportView = {
        mode,
        fileName,
        rows: reading.rows.length + reading.badRows,
        badRows: reading.badRows,
        issues: reading.issues.map((i) => ({
          row: i.row,
          column: i.column,
          message: t(i.key, i.params),
          value: i.value,
        })),
        ignoredColumns: reading.ignoredColumns,
      };
      // Any bad row and nothing is written, whichever button was pressed.
      if (reading.badRows > 0) return answer(c, { report }, 422);
      if (mode === "check") return answer(c, { report }, 200);
      const count = await importCustomers(
        deps,
        actorOf(c),
        reading.rows.map((r) => r.input),
        c.get("meta"),
        fileName,
      );
      const next = `/customers?done=imported&count=${count}`;
      if (isHtmx(c)) {
        c.header("HX-Redirect", next);
        return c.body(null, 204);
      }
      return c.redirect(next, 303);
    },
  );

  return app;
}
