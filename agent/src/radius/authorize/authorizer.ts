import {
  type AccessAttempt,
  type AccessDecision,
  type AuthorizerOptions,
  type Outcome,
  reject,
} from "./access-decision.ts";
import { authorizeSubscriber } from "./subscriber-access.ts";
import { VoucherAccess } from "./voucher-access.ts";
import { VoucherUses } from "./voucher-uses.ts";

export type { AccessAttempt, AccessDecision, AuthorizerOptions, RejectReason } from "./access-decision.ts";

/**
 * Decides an Access-Request from the site's desired state alone (DESIGN §2.2: logins work while
 * the cloud is away): a subscriber by its PPPoE User-Name, else a hotspot voucher by its code.
 * Bad credentials and bad entries are rejects with a reason, never a throw.
 */
export class Authorizer {
  private readonly vouchers: VoucherAccess;

  constructor(private readonly o: AuthorizerOptions) {
    this.vouchers = new VoucherAccess({ ...o, uses: new VoucherUses(o.store.database) });
  }

  /**
   * Rejects (the promise) only when the store or the journal fails under it (a disk error, the
   * journal closed at shutdown): the server then leaves the request unanswered, so the NAS
   * retries or fails over instead of locking the user out.
   */
  async authorize(a: AccessAttempt): Promise<AccessDecision> {
    const { decision, subject } = await this.decide(a);
    const context = { nasId: a.nasId, ...subject };
    if (decision.accept) this.o.logger.debug({ ...context, policy: decision.policy }, "access accepted");
    else this.o.logger.info({ ...context, reason: decision.reason }, "access rejected");
    return decision;
  }

  private async decide(a: AccessAttempt): Promise<Outcome> {
    if (typeof a.userName !== "string" || a.userName === "") return { decision: reject("malformed"), subject: {} };
    const subscriber = this.o.store.subscriberByUsername(a.userName);
    if (subscriber) return authorizeSubscriber(this.o, a, subscriber);
    const voucher = this.vouchers.find(a.userName);
    if (voucher) return this.vouchers.authorize(a, voucher);
    // The name is not logged: a mistyped voucher code is most of a working one.
    return { decision: reject("unknown_user"), subject: {} };
  }
}
