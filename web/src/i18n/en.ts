import type { Messages } from "./id.ts";
import { accountsMessages } from "./messages/accounts.ts";
import { billingMessages } from "./messages/billing.ts";
import { customersMessages } from "./messages/customers.ts";
import { invoicesMessages } from "./messages/invoices.ts";
import { nasMessages } from "./messages/nas.ts";
import { paymentsMessages } from "./messages/payments.ts";
import { plansMessages } from "./messages/plans.ts";
import { platformMessages } from "./messages/platform.ts";
import { radiusMessages } from "./messages/radius.ts";
import { reportsMessages } from "./messages/reports.ts";
import { sitesMessages } from "./messages/sites.ts";
import { subscriptionsMessages } from "./messages/subscriptions.ts";
import { teamMessages } from "./messages/team.ts";
import { vouchersMessages } from "./messages/vouchers.ts";

/** English. Typed as `Messages`, so a missing or an extra key is a compile error. */
export const en: Messages = {
  "app.name": "Kilusi",
  "app.tagline": "Billing and network for small and medium ISPs",

  "skip.toContent": "Skip to main content",
  "lang.label": "Language",

  "nav.primary": "Main navigation",
  "nav.page": "On this page",
  "nav.menu": "Menu",
  "nav.dashboard": "Dashboard",
  "nav.customers": "Customers",
  "nav.plans": "Plans",
  "nav.invoices": "Invoices",
  "nav.payments": "Payments",
  "nav.vouchers": "Vouchers",
  "nav.reports": "Reports",
  "nav.network": "Network & sites",
  "nav.tickets": "Tickets",
  "nav.settings": "Settings",

  "footer.text": "Kilusi · billing and network for small and medium ISPs",

  "landing.meta.title": "Kilusi — billing, isolation and network for your ISP",
  "landing.meta.description":
    "Kilusi bills your subscribers, reminds them on WhatsApp, isolates non-payers, restores payers, and keeps logins working when the uplink is down.",
  "landing.nav.features": "Features",
  "landing.nav.how": "How it works",
  "landing.hero.eyebrow": "For RT/RW-net, WISP and FTTH operators",
  "landing.hero.title": "Billing, isolation and your network in one place",
  "landing.hero.lead":
    "Kilusi bills your subscribers, reminds them on WhatsApp, isolates those who don't pay and restores those who do — then checks on the router that it really happened.",
  "landing.hero.cta": "See the features",
  "landing.hero.secondary": "How it works",

  "landing.demo.label": "Example: from payment to restored internet",
  "landing.demo.subscriber": "Budi Santoso · 20 Mbps plan",
  "landing.demo.status": "Active",
  "landing.demo.paid": "Payment of Rp150,000 received via QRIS",
  "landing.demo.invoice": "May invoice marked as paid",
  "landing.demo.sent": "Restore command sent to the router",
  "landing.demo.verified": "PPPoE session back up — read back from the router",
  "landing.demo.total": "{seconds} seconds in total, no waiting for the next scheduled run",

  "landing.features.title": "What Kilusi does for you",
  "landing.features.lead":
    "Built for the problems ISP owners complain about most: non-payers who stay online, payers who stay isolated, and everything stopping when the link to the server goes down.",
  "landing.feature.billing.title": "Automatic billing",
  "landing.feature.billing.text":
    "Monthly invoices per subscriber, proration on plan changes, cash payments recorded by collectors or online through payment gateways, and a ledger that always balances.",
  "landing.feature.isolation.title": "Isolation that really happens",
  "landing.feature.isolation.text":
    "Billing state drives the network through one path, and the result is read back from the router. Non-payers are really isolated; payers are back online within seconds.",
  "landing.feature.agent.title": "Keeps working when the uplink is down",
  "landing.feature.agent.text":
    "The agent at each site answers RADIUS from its local copy, so subscribers keep logging in. Usage records are kept on disk and sent when the link returns — none lost, none counted twice.",
  "landing.feature.vouchers.title": "Hotspot vouchers",
  "landing.feature.vouchers.text":
    "Create vouchers by plan and validity, print them for resellers, and see which ones have been used.",
  "landing.feature.whatsapp.title": "WhatsApp reminders",
  "landing.feature.whatsapp.text":
    "Due-date reminders, receipts and isolation notices go out on WhatsApp automatically, with no copying messages one by one.",
  "landing.feature.tenancy.title": "Your data stays yours",
  "landing.feature.tenancy.text":
    "Every ISP gets its own space. Separation is enforced by the database on every query, not just by the screens — and it is always tested.",

  "landing.how.title": "How it works",
  "landing.how.lead": "Works with the MikroTik routers, OLTs and GenieACS you already have.",
  "landing.how.agent.title": "Install the agent at your site",
  "landing.how.agent.text":
    "One small program on a mini PC, or a container on your MikroTik. The agent dials out to the cloud, so you need no public IP.",
  "landing.how.setup.title": "Add your plans and subscribers",
  "landing.how.setup.text":
    "Routers, OLTs and GenieACS are reached through the agent; PPPoE and hotspot subscribers are managed from one place.",
  "landing.how.run.title": "Kilusi runs the rest",
  "landing.how.run.text":
    "Billing, reminders, isolation, restoration — and a record of what actually happened on the network.",

  "error.requestId": "Request ID",
  "error.quote": "Quote this ID when you contact support.",
  "error.home": "Back to the home page",
  "error.status": "Status {status}",
  "error.generic.title": "Something went wrong",
  "error.generic.text": "Your request could not be completed. Please try again shortly.",
  "error.bad_request.title": "Invalid request",
  "error.bad_request.text": "Check what you entered, then try again.",
  "error.validation_failed.title": "Some fields need attention",
  "error.validation_failed.text": "Fix the highlighted fields, then send again.",
  "error.unauthenticated.title": "Please sign in",
  "error.unauthenticated.text": "Your session has ended, or you are not signed in.",
  "error.forbidden.title": "Access denied",
  "error.forbidden.text": "Your account is not allowed to do this.",
  "error.not_found.title": "Not found",
  "error.not_found.text": "The page or record you are looking for does not exist.",
  "error.method_not_allowed.title": "Action not supported",
  "error.method_not_allowed.text": "This page does not accept that kind of request.",
  "error.conflict.title": "This record just changed",
  "error.conflict.text": "Someone else just changed this record. Reload the page, then try again.",
  "error.payload_too_large.title": "Too large",
  "error.payload_too_large.text": "What you sent is over the size limit.",
  "error.unsupported_media_type.title": "Unsupported format",
  "error.unsupported_media_type.text": "The format of what you sent is not recognised.",
  "error.unprocessable.title": "Cannot be processed",
  "error.unprocessable.text": "The request was understood but cannot be carried out.",
  "error.rate_limited.title": "Too many requests",
  "error.rate_limited.text": "Wait a moment, then try again.",
  "error.internal_error.title": "Something went wrong on our side",
  "error.internal_error.text": "It is not your fault. Try again shortly; if it keeps happening, contact support.",
  ...accountsMessages.en,
  ...teamMessages.en,
  ...platformMessages.en,
  ...billingMessages.en,
  ...plansMessages.en,
  ...customersMessages.en,
  ...subscriptionsMessages.en,
  ...invoicesMessages.en,
  ...paymentsMessages.en,
  ...vouchersMessages.en,
  ...reportsMessages.en,
  ...sitesMessages.en,
  ...radiusMessages.en,
  ...nasMessages.en,
};
