import { Field, type FieldErrors, FormError } from "../../components/form-fields.tsx";
import { type Translate, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";
import { formatDateTime } from "../team/format.ts";

export type SessionView = {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  ip: string | null;
  userAgent: string | null;
  current: boolean;
};

export type ProfileNotice =
  | { kind: "details" | "revoked" }
  | { kind: "password"; ended: number }
  | { kind: "others"; ended: number };

export type ProfilePageProps = {
  frame: Frame;
  timeZone: string;
  profile: { name: string; email: string; phone: string | null; totpEnabled: boolean; recoveryLeft: number };
  sessions: readonly SessionView[];
  details?: { values: { name?: string; phone?: string }; errors: FieldErrors };
  password?: { errors: FieldErrors; formError?: string };
  notice?: ProfileNotice;
};

function noticeText(t: Translate, notice: ProfileNotice): string {
  switch (notice.kind) {
    case "details":
      return t("profile.notice.details");
    case "revoked":
      return t("profile.notice.revoked");
    case "password":
      return t("profile.notice.password", { count: notice.ended });
    case "others":
      return t("profile.notice.others", { count: notice.ended });
  }
}

export function ProfilePage(props: ProfilePageProps) {
  const t = translator(props.frame.locale);
  const p = props.profile;
  const values = props.details?.values ?? { name: p.name, phone: p.phone ?? "" };
  const errors = props.details?.errors ?? {};
  const others = props.sessions.filter((s) => !s.current).length;
  return (
    <FramedPage frame={props.frame} title={t("profile.title")}>
      {props.notice ? <Notice kind="ok">{noticeText(t, props.notice)}</Notice> : null}
      <section class="adm-section" aria-labelledby="details-title">
        <h2 id="details-title">{t("profile.details.title")}</h2>
        <p class="adm-muted">{t("profile.details.email", { email: p.email })}</p>
        <form class="adm-form" method="post" action="/profile" novalidate>
          <Field
            id="profile-name"
            name="name"
            label={t("profile.details.name")}
            value={values.name}
            autocomplete="name"
            required
            maxlength={100}
            error={errors.name}
          />
          <Field
            id="profile-phone"
            name="phone"
            type="tel"
            label={t("profile.details.phone")}
            hint={t("invitation.create.phoneHint")}
            value={values.phone}
            autocomplete="tel"
            inputmode="tel"
            error={errors.phone}
          />
          <p>
            <button class="button button-primary" type="submit">
              {t("profile.details.submit")}
            </button>
          </p>
        </form>
      </section>

      <section class="adm-section" aria-labelledby="password-title">
        <h2 id="password-title">{t("profile.password.title")}</h2>
        <p class="adm-muted">{t("profile.password.lead")}</p>
        <form class="adm-form" method="post" action="/profile/password" novalidate>
          <FormError id="password-form-error">{props.password?.formError}</FormError>
          <Field
            id="password-current"
            name="current"
            type="password"
            label={t("profile.password.current")}
            autocomplete="current-password"
            required
            error={props.password?.errors.current}
          />
          <Field
            id="password-next"
            name="next"
            type="password"
            label={t("profile.password.next")}
            hint={t("team.form.password")}
            autocomplete="new-password"
            required
            minlength={12}
            maxlength={128}
            error={props.password?.errors.next}
          />
          <p>
            <button class="button button-primary" type="submit">
              {t("profile.password.submit")}
            </button>
          </p>
        </form>
      </section>

      <section class="adm-section" aria-labelledby="twofa-title">
        <h2 id="twofa-title">{t("profile.2fa.title")}</h2>
        <p>{p.totpEnabled ? t("profile.2fa.summaryOn", { count: p.recoveryLeft }) : t("profile.2fa.summaryOff")}</p>
        <p>
          <a class="button button-quiet" href="/profile/2fa">
            {p.totpEnabled ? t("profile.2fa.manage") : t("profile.2fa.setup")}
          </a>
        </p>
      </section>

      <section class="adm-section" aria-labelledby="sessions-title">
        <h2 id="sessions-title">{t("profile.sessions.title")}</h2>
        <ul class="adm-list" id="sessions">
          {props.sessions.map((s) => (
            <SessionItem t={t} session={s} locale={props.frame.locale} timeZone={props.timeZone} />
          ))}
        </ul>
        {others > 0 ? (
          <form method="post" action="/profile/sessions/revoke-others" class="adm-actions">
            <button class="button button-danger" type="submit">
              {t("profile.sessions.revokeOthers")}
            </button>
          </form>
        ) : null}
      </section>
    </FramedPage>
  );
}

function SessionItem(props: { t: Translate; session: SessionView; locale: Frame["locale"]; timeZone: string }) {
  const { t, session: s } = props;
  const id = `session-${s.id}`;
  const when = (d: Date) => formatDateTime(d, props.locale, props.timeZone);
  return (
    <li class="adm-item" id={id}>
      <div class="adm-item-main">
        <p class="adm-item-title">
          {s.userAgent ?? t("profile.sessions.unknownDevice")}
          {s.current ? <span class="badge badge-ok">{t("profile.sessions.current")}</span> : null}
        </p>
        <p class="adm-item-sub">
          {t("profile.sessions.ip")}: {s.ip ?? "—"} · {t("profile.sessions.created")}: {when(s.createdAt)} ·{" "}
          {t("profile.sessions.lastSeen")}: {when(s.lastSeenAt)}
        </p>
      </div>
      {s.current ? null : (
        <form
          class="adm-actions"
          method="post"
          action={`/profile/sessions/${s.id}/revoke`}
          hx-post={`/profile/sessions/${s.id}/revoke`}
          hx-target={`#${id}`}
          hx-swap="outerHTML"
          hx-confirm={t("profile.sessions.revokeConfirm")}
        >
          <button class="button button-quiet" type="submit">
            {t("profile.sessions.revoke")}
          </button>
        </form>
      )}
    </li>
  );
}
