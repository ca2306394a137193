import { translator } from "@kilusi/web/i18n/i18n.ts";
import { ConfirmDeletePage, DeleteSection } from "@kilusi/web/pages/customers/customer-page.tsx";
import {
  CustomerResults,
  type CustomerResultsProps,
  CustomersPage,
  type CustomersPageProps,
} from "@kilusi/web/pages/customers/customers-page.tsx";
import { NewCustomerPage } from "@kilusi/web/pages/customers/new-customer-page.tsx";
import { type Context, Hono } from "hono";
import { actorOf } from "../auth/actor.ts";
import { requireTenant, tenantAuthOf } from "../auth/auth.middleware.ts";
import { can } from "../auth/permissions.ts";
import { AppError, notFound } from "../http/errors.ts";
import { formStrings } from "../http/form-errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { frameOf, isHtmx } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { localDateOf } from "../time/zoned.ts";
import { toCsv } from "./customers.csv.ts";
import { formErrors, renderCustomerPage } from "./customers.render.tsx";
import { COUNT_CAP } from "./customers.repository.ts";
import { customerFields, decodeCursor, encodeCursor, isUuid, parseCustomer, searchText } from "./customers.schemas.ts";
import {
  createCustomer,
  deleteCustomer,
  exportCustomers,
  findCustomer,
  listCustomers,
  updateCustomer,
} from "./customers.usecases.ts";
import { customerImportRoutes } from "./customers-import.routes.tsx";
import { customerPhotoRoutes } from "./customers-photo.routes.tsx";

const CUSTOMER_NOTICES = ["created", "saved", "photo", "photoRemoved"] as const;

/** The form's fields as typed, to show them again beside their errors. */
const typed = (body: Record<string, string>) => Object.fromEntries(customerFields.map((f) => [f, body[f] ?? ""]));

/** The id in the URL; anything that is not a UUID names no customer. */
function customerId(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  if (!isUuid(id)) throw notFound("customer");
  return id;
}

/** The columns of the export, named as the import reads them, so an export can be imported again. */
export const EXPORT_HEADER = [
  "name",
  "phone",
  "email",
  "address",
  "latitude",
  "longitude",
  "tags",
  "notes",
  "pppoe_usernames",
] as const;

/** Pages and actions of the customers area. */
export function customersRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();

  app.get("/customers", requireTenant("customers.view"), async (c) => {
    const auth = tenantAuthOf(c);
    const q = searchText(c.req.query("q"));
    const after = decodeCursor(c.req.query("after"));
    const before = after ? undefined : decodeCursor(c.req.query("before"));
    const page = await listCustomers(deps, actorOf(c), { q, after, before });
    const href = (cursor: Record<string, string>) =>
      `/customers?${new URLSearchParams({ ...(q ? { q } : {}), ...cursor })}`;
    const first = page.rows[0];
    const last = page.rows.at(-1);
    const canManage = can(auth.role, "customers.manage");
    const results: Omit<CustomerResultsProps, "locale"> = {
      q,
      rows: page.rows,
      total: page.total,
      countCap: COUNT_CAP,
      previousHref: page.hasPrevious && first ? href({ before: encodeCursor(first) }) : null,
      nextHref: page.hasNext && last ? href({ after: encodeCursor(last) }) : null,
      canManage,
      exportHref: canManage ? `/customers/export.csv${q ? `?${new URLSearchParams({ q })}` : ""}` : null,
    };
    // The same URL answers a page or, to htmx's search as you type, the results alone.
    c.header("Vary", "HX-Request");
    if (isHtmx(c) && c.req.header("hx-history-restore-request") !== "true") {
      return c.html(<CustomerResults locale={localeOf(c)} {...results} />);
    }
    const done = c.req.query("done");
    const count = Number(c.req.query("count"));
    const notice: CustomersPageProps["notice"] =
      done === "deleted"
        ? { kind: "deleted" }
        : done === "imported" && Number.isSafeInteger(count) && count >= 0
          ? { kind: "imported", count }
          : undefined;
    return c.html(
      <CustomersPage frame={frameOf(c, deps.assets, auth, "/customers")} results={results} notice={notice} />,
    );
  });

  app.get("/customers/new", requireTenant("customers.manage"), (c) =>
    c.html(<NewCustomerPage frame={frameOf(c, deps.assets, tenantAuthOf(c), "/customers/new")} values={{}} />),
  );

  app.post("/customers", requireTenant("customers.manage"), async (c) => {
    const body = formStrings(await c.req.parseBody());
    const parsed = parseCustomer(body);
    if (!parsed.ok) {
      const t = translator(localeOf(c));
      const frame = frameOf(c, deps.assets, tenantAuthOf(c), "/customers/new");
      return c.html(<NewCustomerPage frame={frame} values={typed(body)} errors={formErrors(t, parsed.issues)} />, 400);
    }
    const id = await createCustomer(deps, actorOf(c), parsed.value, c.get("meta"));
    return c.redirect(`/customers/${id}?done=created`, 303);
  });

  app.get("/customers/export.csv", requireTenant("customers.manage"), async (c) => {
    const auth = tenantAuthOf(c);
    const rows = await exportCustomers(deps, actorOf(c), searchText(c.req.query("q")));
    // Excel set to Indonesian separates with ";" (the comma is the decimal mark there).
    const delimiter = c.req.query("delimiter") === "semicolon" ? ";" : ",";
    const csv = toCsv(
      [
        EXPORT_HEADER,
        ...rows.map((r) => [
          r.name,
          r.phone ?? "",
          r.email ?? "",
          r.address ?? "",
          r.latitude === null ? "" : String(r.latitude),
          r.longitude === null ? "" : String(r.longitude),
          r.tags.join(", "),
          r.notes ?? "",
          r.usernames.join(", "),
        ]),
      ],
      delimiter,
    );
    const day = localDateOf(deps.clock.now(), auth.tenant.timeZone);
    // The byte-order mark is how Excel knows the file is UTF-8.
    return c.body(`\uFEFF${csv}`, 200, {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="customers-${day}.csv"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    });
  });

  // Before /customers/:id, which would take "import" for an id.
  app.route("/", customerImportRoutes(deps));

  app.get("/customers/:id", requireTenant("customers.view"), async (c) => {
    const done = CUSTOMER_NOTICES.find((n) => n === c.req.query("done"));
    return renderCustomerPage(deps, c, customerId(c), { notice: done });
  });

  app.post("/customers/:id", requireTenant("customers.manage"), async (c) => {
    const id = customerId(c);
    const body = formStrings(await c.req.parseBody());
    const parsed = parseCustomer(body);
    if (!parsed.ok) {
      const errors = formErrors(translator(localeOf(c)), parsed.issues);
      return renderCustomerPage(deps, c, id, { edit: { values: typed(body), errors } }, 400);
    }
    await updateCustomer(deps, actorOf(c), id, parsed.value, c.get("meta"));
    return c.redirect(`/customers/${id}?done=saved`, 303);
  });

  app.post("/customers/:id/delete", requireTenant("customers.manage"), async (c) => {
    const id = customerId(c);
    const actor = actorOf(c);
    const body = formStrings(await c.req.parseBody());
    // htmx asked first (hx-confirm); a plain form gets a page that asks.
    if (!isHtmx(c) && body.confirmed !== "yes") {
      const found = await findCustomer(deps, actor, id);
      if (!found) throw notFound("customer");
      const frame = frameOf(c, deps.assets, tenantAuthOf(c), `/customers/${id}`);
      return c.html(<ConfirmDeletePage frame={frame} customer={found.customer} />);
    }
    try {
      await deleteCustomer(deps, actor, id, c.get("meta"));
    } catch (error) {
      if (!(error instanceof AppError) || error.code !== "customer_in_use") throw error;
      if (!isHtmx(c)) return renderCustomerPage(deps, c, id, {}, 409);
      const found = await findCustomer(deps, actor, id);
      if (!found) throw notFound("customer");
      return c.html(<DeleteSection locale={localeOf(c)} customer={found.customer} usage={found.usage} />, 409);
    }
    if (isHtmx(c)) {
      c.header("HX-Redirect", "/customers?done=deleted");
      return c.body(null, 204);
    }
    return c.redirect("/customers?done=deleted", 303);
  });

  app.route("/", customerPhotoRoutes(deps));
  return app;
}
