import { Field, type FieldErrors, FormError, Select } from "../../components/form-fields.tsx";
import { type Translate, translator } from "../../i18n/i18n.ts";
import { type Frame, FramedPage, Notice } from "../../layouts/framed-page.tsx";
import { formatDateTime, type RoleName } from "./format.ts";

export type MemberView = {
  userId: string;
  name: string;
  email: string;
  role: RoleName;
  status: "active" | "disabled";
  totpEnabled: boolean;
  isSelf: boolean;
  /** Whether the viewer may change this member at all (an admin cannot touch an owner). */
  manageable: boolean;
  /** The roles the viewer may give this member. */
  roleOptions: readonly RoleName[];
};

export type InvitationRowView = {
  id: string;
  email: string;
  role: RoleName;
  expiresAt: Date;
  invitedByName: string | null;
};

export type TeamNotice = "invited" | "revoked" | "role" | "disabled" | "enabled";

export type TeamPageProps = {
  frame: Frame;
  timeZone: string;
  members: readonly MemberView[];
  invitations: readonly InvitationRowView[];
  canManage: boolean;
  /** The roles the viewer may invite as. */
  inviteRoles: readonly RoleName[];
  invite?: { values: { email?: string; role?: string }; errors: FieldErrors; formError?: string };
  notice?: TeamNotice;
  /** A refused action explained (the last owner, a role only owners may give). */
  error?: string;
};

export function TeamPage(props: TeamPageProps) {
  const t = translator(props.frame.locale);
  return (
    <FramedPage frame={props.frame} title={t("team.title")}>
      {props.notice ? <Notice kind="ok">{t(`team.notice.${props.notice}`)}</Notice> : null}
      {props.error ? <Notice kind="error">{props.error}</Notice> : null}
      <section class="adm-section" aria-labelledby="members-title">
        <h2 id="members-title">{t("team.members.title")}</h2>
        <ul class="adm-list" id="members">
          {props.members.map((m) => (
            <MemberItem t={t} member={m} canManage={props.canManage} />
          ))}
        </ul>
      </section>
      {props.canManage ? <InviteForm t={t} roles={props.inviteRoles} invite={props.invite} /> : null}
      <section class="adm-section" aria-labelledby="invitations-title">
        <h2 id="invitations-title">{t("team.invitations.title")}</h2>
        {props.invitations.length === 0 ? (
          <p class="adm-muted">{t("team.invitations.none")}</p>
        ) : (
          <ul class="adm-list" id="invitations">
            {props.invitations.map((inv) => (
              <InvitationItem
                t={t}
                invitation={inv}
                canManage={props.canManage}
                expires={formatDateTime(inv.expiresAt, props.frame.locale, props.timeZone)}
              />
            ))}
          </ul>
        )}
      </section>
    </FramedPage>
  );
}

/** One member; also the fragment htmx swaps in after a change to this member. */
export function MemberItem(props: { t: Translate; member: MemberView; canManage: boolean; error?: string }) {
  const { t, member: m } = props;
  const id = `member-${m.userId}`;
  const target = `#${id}`;
  const errorId = props.error ? `${id}-error` : undefined;
  return (
    <li class="adm-item" id={id}>
      <div class="adm-item-main">
        <p class="adm-item-title">
          {m.name}
          {m.isSelf ? <span class="adm-muted"> {t("team.member.you")}</span> : null}
        </p>
        <p class="adm-item-sub">{m.email}</p>
      </div>
      <dl class="adm-meta">
        <div>
          <dt>{t("team.member.role")}</dt>
          <dd>{t(`team.role.${m.role}`)}</dd>
        </div>
        <div>
          <dt>{t("team.member.status")}</dt>
          <dd>
            <span class={m.status === "active" ? "badge badge-ok" : "badge"}>{t(`team.status.${m.status}`)}</span>
          </dd>
        </div>
        <div>
          <dt>{t("team.member.twoFactor")}</dt>
          <dd>{m.totpEnabled ? t("team.member.twoFactor.on") : t("team.member.twoFactor.off")}</dd>
        </div>
      </dl>
      {props.error ? (
        <p class="adm-error" id={errorId} role="alert">
          {props.error}
        </p>
      ) : null}
      {props.canManage && m.manageable ? (
        <div class="adm-actions">
          <form
            class="adm-inline-form"
            method="post"
            action={`/team/members/${m.userId}/role`}
            hx-post={`/team/members/${m.userId}/role`}
            hx-target={target}
            hx-swap="outerHTML"
          >
            <Select
              id={`role-${m.userId}`}
              name="role"
              label={t("team.member.roleFor", { name: m.name })}
              visuallyHiddenLabel
              value={m.role}
              options={m.roleOptions.map((r) => [r, t(`team.role.${r}`)] as const)}
            />
            <button class="button button-quiet" type="submit" aria-describedby={errorId}>
              {t("team.member.changeRole")}
            </button>
          </form>
          {m.isSelf ? null : m.status === "active" ? (
            <form
              method="post"
              action={`/team/members/${m.userId}/disable`}
              hx-post={`/team/members/${m.userId}/disable`}
              hx-target={target}
              hx-swap="outerHTML"
              hx-confirm={t("team.member.disableConfirm", { name: m.name })}
            >
              <button class="button button-danger" type="submit">
                {t("team.member.disable")}
                <span class="visually-hidden"> {m.name}</span>
              </button>
            </form>
          ) : (
            <form
              method="post"
              action={`/team/members/${m.userId}/enable`}
              hx-post={`/team/members/${m.userId}/enable`}
              hx-target={target}
              hx-swap="outerHTML"
            >
              <button class="button button-quiet" type="submit">
                {t("team.member.enable")}
                <span class="visually-hidden"> {m.name}</span>
              </button>
            </form>
          )}
        </div>
      ) : null}
    </li>
  );
}

function InviteForm(props: { t: Translate; roles: readonly RoleName[]; invite: TeamPageProps["invite"] }) {
  const { t } = props;
  const errors = props.invite?.errors ?? {};
  const values = props.invite?.values ?? {};
  return (
    <section class="adm-section" aria-labelledby="invite-title">
      <h2 id="invite-title">{t("team.invite.title")}</h2>
      <p class="adm-muted">{t("team.invite.lead")}</p>
      <form class="adm-form" method="post" action="/team/invite" novalidate>
        <FormError id="invite-form-error">{props.invite?.formError}</FormError>
        <Field
          id="invite-email"
          name="email"
          type="email"
          label={t("team.invite.email")}
          value={values.email}
          autocomplete="off"
          required
          maxlength={254}
          error={errors.email}
        />
        <Select
          id="invite-role"
          name="role"
          label={t("team.invite.role")}
          value={values.role ?? "technician"}
          options={props.roles.map((r) => [r, t(`team.role.${r}`)] as const)}
          error={errors.role}
        />
        <p>
          <button class="button button-primary" type="submit">
            {t("team.invite.submit")}
          </button>
        </p>
      </form>
    </section>
  );
}

function InvitationItem(props: { t: Translate; invitation: InvitationRowView; canManage: boolean; expires: string }) {
  const { t, invitation: inv } = props;
  const id = `invitation-${inv.id}`;
  return (
    <li class="adm-item" id={id}>
      <div class="adm-item-main">
        <p class="adm-item-title">{inv.email}</p>
        <p class="adm-item-sub">
          {t(`team.role.${inv.role}`)} · {t("team.invitations.expires", { at: props.expires })}
          {inv.invitedByName ? ` · ${t("team.invitations.by", { name: inv.invitedByName })}` : ""}
        </p>
      </div>
      {props.canManage ? (
        <form
          class="adm-actions"
          method="post"
          action={`/team/invitations/${inv.id}/revoke`}
          hx-post={`/team/invitations/${inv.id}/revoke`}
          hx-target={`#${id}`}
          hx-swap="outerHTML"
          hx-confirm={t("team.invitations.revokeConfirm", { email: inv.email })}
        >
          <button class="button button-danger" type="submit">
            {t("team.invitations.revoke")}
            <span class="visually-hidden"> {inv.email}</span>
          </button>
        </form>
      ) : null}
    </li>
  );
}
