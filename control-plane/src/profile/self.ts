import type { Context } from "hono";
import { authOf } from "../auth/auth.middleware.ts";
import type { AppEnv } from "../http/observe.ts";
import type { Self } from "./profile.usecases.ts";

/** The person and session a profile action is about: always the session's own, never a form's. */
export function selfOf(c: Context<AppEnv>): Self {
  const auth = authOf(c);
  return { userId: auth.user.id, sessionId: auth.session.id };
}
