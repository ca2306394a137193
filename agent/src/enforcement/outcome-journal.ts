import type { Logger } from "@kilusi/shared/logger";
import type { EnforcementRecord } from "@kilusi/shared/sync/radius-records";
import type { Journal } from "../store/journal.ts";

/**
 * Appends `enforcement.outcome` records. An append that fails (journal full, agent stopping) is
 * logged and lost: the cloud then shows the change without an outcome, never a success.
 */
export class OutcomeJournal {
  constructor(
    private readonly journal: Pick<Journal, "append">,
    private readonly logger: Logger,
  ) {}

  async record(outcome: EnforcementRecord): Promise<void> {
    const record: EnforcementRecord = {
      ...outcome,
      reason: outcome.reason.slice(0, 64),
      detail: outcome.detail === null ? null : outcome.detail.slice(0, 500),
    };
    const log = {
      subscriptionId: record.subscriptionId,
      revision: record.revision,
      reason: record.reason,
      action: record.action,
      outcome: record.outcome,
      nasId: record.nasId,
      sessionId: record.sessionId,
      attempts: record.attempts,
      errorCause: record.errorCauseName ?? record.errorCause,
    };
    try {
      await this.journal.append("enforcement.outcome", { ...record });
      this.logger.info(log, "enforcement outcome");
    } catch (error) {
      this.logger.error({ ...log, err: String(error) }, "enforcement outcome not journaled");
    }
  }
}
