import { translator } from "@kilusi/web/i18n/i18n.ts";
import { type Context, Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { actorOf } from "../auth/actor.ts";
import { requireTenant } from "../auth/auth.middleware.ts";
import { AppError, notFound } from "../http/errors.ts";
import { localeOf } from "../http/locale.ts";
import type { AppEnv } from "../http/observe.ts";
import { isHtmx } from "../http/page-frame.ts";
import type { RouteDeps } from "../http/route-deps.ts";
import { ID_PHOTO_MAX_BYTES } from "./customers.errors.ts";
import { renderCustomerPage } from "./customers.render.tsx";
import { isUuid } from "./customers.schemas.ts";
import { readIdPhoto, removeIdPhoto, replaceIdPhoto } from "./customers.usecases.ts";

// Room for the multipart framing around a photo at the limit; anything larger is cut off unread.
const UPLOAD_LIMIT_BYTES = ID_PHOTO_MAX_BYTES + 64 * 1024;

function customerId(c: Context<AppEnv>): string {
  const id = c.req.param("id") ?? "";
  if (!isUuid(id)) throw notFound("customer");
  return id;
}

/** A customer's ID photo: uploaded and removed by those who manage customers, seen by the team. */
export function customerPhotoRoutes(deps: RouteDeps) {
  const app = new Hono<AppEnv>();
  const refused = (c: Context<AppEnv>, key: "missing" | "size" | "type", status: 400 | 413 | 415) =>
    renderCustomerPage(
      deps,
      c,
      customerId(c),
      { photoError: translator(localeOf(c))(`customers.photo.error.${key}`) },
      status,
    );

  app.post(
    "/customers/:id/photo",
    requireTenant("customers.manage"),
    bodyLimit({ maxSize: UPLOAD_LIMIT_BYTES, onError: (c) => refused(c as Context<AppEnv>, "size", 413) }),
    async (c) => {
      const id = customerId(c);
      const file = (await c.req.parseBody()).photo;
      if (!(file instanceof File) || file.size === 0) return refused(c, "missing", 400);
      try {
        await replaceIdPhoto(deps, actorOf(c), id, new Uint8Array(await file.arrayBuffer()), c.get("meta"));
      } catch (error) {
        if (error instanceof AppError && error.code === "photo_too_large") return refused(c, "size", 413);
        if (error instanceof AppError && error.code === "photo_type") return refused(c, "type", 415);
        throw error;
      }
      return c.redirect(`/customers/${id}?done=photo`, 303);
    },
  );

  app.post("/customers/:id/photo/delete", requireTenant("customers.manage"), async (c) => {
    const id = customerId(c);
    await removeIdPhoto(deps, actorOf(c), id, c.get("meta"));
    const next = `/customers/${id}?done=photoRemoved`;
    if (isHtmx(c)) {
      c.header("HX-Redirect", next);
      return c.body(null, 204);
    }
    return c.redirect(next, 303);
  });

  // Only the tenant's own members who may see customers; never cached by anyone in between.
  app.get("/customers/:id/photo", requireTenant("customers.view"), async (c) => {
    const photo = await readIdPhoto(deps, actorOf(c), customerId(c));
    if (!photo) throw notFound("photo");
    return c.body(photo.body as Uint8Array<ArrayBuffer>, 200, {
      "Content-Type": photo.contentType,
      "Content-Length": String(photo.size),
      "X-Content-Type-Options": "nosniff",
      "Content-Disposition": "inline",
      "Cache-Control": "private, max-age=300",
    });
  });

  return app;
}
