import type { FC } from "hono/jsx";
import type { AssetUrls } from "../assets.ts";
import {
  ChatIcon,
  CheckIcon,
  LockIcon,
  ReceiptIcon,
  ServerIcon,
  ShieldCheckIcon,
  TicketIcon,
} from "../components/icons.tsx";
import { type Locale, type Translate, translator } from "../i18n/i18n.ts";
import { PublicLayout } from "../layouts/public-layout.tsx";
import { AuthLinks } from "./accounts/auth-links.tsx";

const features = [
  { key: "billing", Icon: ReceiptIcon },
  { key: "isolation", Icon: ShieldCheckIcon },
  { key: "agent", Icon: ServerIcon },
  { key: "vouchers", Icon: TicketIcon },
  { key: "whatsapp", Icon: ChatIcon },
  { key: "tenancy", Icon: LockIcon },
] as const satisfies readonly { key: string; Icon: FC }[];

const steps = ["agent", "setup", "run"] as const;

/** What Kilusi is, for the owner of a small ISP deciding whether to trust it with billing. */
export function LandingPage(props: { locale: Locale; assets: AssetUrls; path?: string }) {
  const t = translator(props.locale);
  return (
    <PublicLayout
      locale={props.locale}
      assets={props.assets}
      title={t("landing.meta.title")}
      description={t("landing.meta.description")}
      path={props.path ?? "/"}
      actions={<AuthLinks locale={props.locale} />}
      nav={[
        { href: "#features", label: t("landing.nav.features") },
        { href: "#how", label: t("landing.nav.how") },
      ]}
    >
      <section class="hero">
        <div class="container hero-grid">
          <div class="hero-copy">
            <p class="eyebrow">{t("landing.hero.eyebrow")}</p>
            <h1>{t("landing.hero.title")}</h1>
            <p class="lead">{t("landing.hero.lead")}</p>
            <p class="hero-actions">
              <a class="button button-primary" href="#features">
                {t("landing.hero.cta")}
              </a>
              <a class="button button-quiet" href="#how">
                {t("landing.hero.secondary")}
              </a>
            </p>
          </div>
          <RestoreDemo t={t} />
        </div>
      </section>

      <section id="features" class="section" aria-labelledby="features-title">
        <div class="container">
          <h2 id="features-title">{t("landing.features.title")}</h2>
          <p class="section-lead">{t("landing.features.lead")}</p>
          <ul class="feature-grid">
            {features.map(({ key, Icon }) => (
              <li class="feature">
                <span class="feature-icon">
                  <Icon />
                </span>
                <h3>{t(`landing.feature.${key}.title`)}</h3>
                <p>{t(`landing.feature.${key}.text`)}</p>
              </li>
            ))}
          </ul>
        </div>
      </section>

      <section id="how" class="section section-alt" aria-labelledby="how-title">
        <div class="container">
          <h2 id="how-title">{t("landing.how.title")}</h2>
          <p class="section-lead">{t("landing.how.lead")}</p>
          <ol class="steps">
            {steps.map((key) => (
              <li class="step">
                <h3>{t(`landing.how.${key}.title`)}</h3>
                <p>{t(`landing.how.${key}.text`)}</p>
              </li>
            ))}
          </ol>
        </div>
      </section>
    </PublicLayout>
  );
}

/** A worked example of the promise "payment to restored internet in seconds, verified". */
function RestoreDemo(props: { t: Translate }) {
  const { t } = props;
  const events = [
    { time: "10:02:11", text: t("landing.demo.paid") },
    { time: "10:02:11", text: t("landing.demo.invoice") },
    { time: "10:02:12", text: t("landing.demo.sent") },
    { time: "10:02:15", text: t("landing.demo.verified"), done: true },
  ];
  return (
    <figure class="demo" aria-labelledby="demo-caption">
      <figcaption id="demo-caption" class="demo-caption">
        {t("landing.demo.label")}
      </figcaption>
      <div class="demo-subscriber">
        <span>{t("landing.demo.subscriber")}</span>
        <span class="badge badge-ok">{t("landing.demo.status")}</span>
      </div>
      <ol class="timeline">
        {events.map((event) => (
          <li class={event.done ? "timeline-item is-done" : "timeline-item"}>
            <time>{event.time}</time>
            <span class="timeline-text">
              {event.done ? <CheckIcon /> : null}
              {event.text}
            </span>
          </li>
        ))}
      </ol>
      <p class="demo-total">{t("landing.demo.total", { seconds: 4 })}</p>
    </figure>
  );
}
