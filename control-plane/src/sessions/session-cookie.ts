import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";

/**
 * `__Host-` binds the cookie to this exact origin (Secure, Path=/, no Domain). Plain-HTTP
 * development cannot set Secure cookies, so it uses an unprefixed name; configuration allows
 * that only outside production.
 */
export function sessionCookieName(secure: boolean): string {
  return secure ? "__Host-kilusi_session" : "kilusi_session";
}

export function readSessionCookie(c: Context, secure: boolean): string | undefined {
  return getCookie(c, sessionCookieName(secure));
}

export function writeSessionCookie(c: Context, secure: boolean, token: string, expires: Date): void {
  setCookie(c, sessionCookieName(secure), token, {
    path: "/",
    httpOnly: true,
    secure,
    sameSite: "Lax",
    expires,
  });
}

export function clearSessionCookie(c: Context, secure: boolean): void {
  deleteCookie(c, sessionCookieName(secure), { path: "/", secure, httpOnly: true, sameSite: "Lax" });
}
