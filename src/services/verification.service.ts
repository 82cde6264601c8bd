import type { DataSource } from "typeorm";
import { inTransaction } from "../db/transaction.js";
import { linkState, maskEmail, type LinkState } from "../domain/hire-status.js";
import { linkMayConnect } from "../domain/invitation-states.js";
import { ConnectAccount, Employment, Invitation, Tenant, User } from "../entities/index.js";
import { AppError } from "../errors.js";
import { lockEmploymentsOfEmployee } from "../sql/lockEmployment.js";
import { useLink } from "../sql/useLink.js";
import type { Clock } from "./clock.js";
import type { InvitationPlanner } from "./invitation-planner.js";
import { HIRE, recordEvent } from "./history.js";
import { hashLinkToken } from "./link-token.js";

export interface LinkInfo {
  state: LinkState;
  maskedEmail: string | null;
  expiresAt: Date | null;
  timeZone: string | null;
  /** R10: INVALID because a reminder replaced it, and the reminder's link still works: "use the newest e-mail". */
  replacedByReminder: boolean;
}

/** R10: the answer to a link a reminder replaced while the reminder's link still works: LINK_INVALID, with where to look. */
export const replacedByReminder = () =>
  new AppError("LINK_INVALID", "A newer e-mail with a new link was sent to you (a reminder); this link no longer works: use the link in the newest e-mail", {
    replacedByReminder: true,
  });

const REFUSALS: Record<Exclude<LinkState, "VALID">, [AppError["code"], string]> = {
  EXPIRED: ["LINK_EXPIRED", "The link has expired; ask HR to send a new one"],
  USED: ["LINK_USED", "The link has been used already: the account exists, log in instead"],
  INVALID: ["LINK_INVALID", "The link is not valid; use the newest invitation e-mail or ask HR to send a new one"],
};
const refusal = (state: Exclude<LinkState, "VALID">) => new AppError(...REFUSALS[state]);

/** The public side of a link (R6): what it is, and confirming it. Opening a link never uses it. */
export class VerificationService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
    private readonly planner: InvitationPlanner,
  ) {}

  async linkInfo(token: string): Promise<LinkInfo> {
    const found = await this.find(token);
    if (!found) return { state: "INVALID", maskedEmail: null, expiresAt: null, timeZone: null, replacedByReminder: await this.replacedByReminder(token) };
    const { invitation, tenant } = found;
    const state = linkState(invitation, this.clock.nowFor(tenant));
    // only a link that exists says whose it is; an unknown or superseded one reveals nothing
    return state === "INVALID"
      ? { state, maskedEmail: null, expiresAt: null, timeZone: null, replacedByReminder: false }
      : { state, maskedEmail: maskEmail(invitation.email), expiresAt: invitation.expiresAt, timeZone: tenant.timeZone, replacedByReminder: false };
  }

  /**
   * Uses the link once: the Connect account is created and the user connected, in one transaction
   * that holds the employment's row lock, so a cancel or a resend at the same moment comes before
   * (the link no longer connects) or after (the account exists) — never in between (R8).
   */
  async verify(token: string): Promise<ConnectAccount> {
    const found = await this.find(token);
    if (!found) throw (await this.replacedByReminder(token)) ? replacedByReminder() : refusal("INVALID");
    const { invitation, tenant } = found;
    const now = this.clock.nowFor(tenant);
    const state = linkState(invitation, now);
    if (state !== "VALID") throw refusal(state);
    const { tenantId, employmentId } = invitation;
    // read before the transaction (an employment's employee never changes): on MySQL a plain read in the
    // transaction before its locks would fix its snapshot there, and the reads after the locks would
    // not see an employment another change added and committed while this one waited (a rehire)
    const employeeId = (await this.dataSource.manager.findOneBy(Employment, { id: employmentId, tenantId }))?.employeeId;
    const account = await inTransaction(this.dataSource.manager, async (manager) => {
      // the hire, by its link: no key, every hire. All of the employee's employments, in id order as every
      // change of the employee locks them: the others' invitations end with this one's account (R9)
      const employments = employeeId ? await lockEmploymentsOfEmployee(manager, { tenantId, partner: null, employeeId }) : [];
      const employment = employments.find((m) => m.id === employmentId);
      const current = await manager.findOneBy(Invitation, { id: invitation.id, tenantId });
      const at = this.clock.nowFor(tenant); // read under the lock: dated after a change it waited for
      if (!employment || !current || !linkMayConnect(employment, current, at)) return null; // used, expired, superseded or cancelled a moment ago
      if (!(await useLink(manager, { invitationId: invitation.id, tokenHash: hashLinkToken(token), now: at }))) return null;
      await recordEvent(manager, { tenantId, employmentId, kind: "VERIFIED", at, actor: HIRE, detail: `the link sent to ${maskEmail(invitation.email)}` });
      const user = await manager.findOneByOrFail(User, { id: invitation.userId });
      const account = await this.planner.connect(manager, user, invitation.email, "EMAIL_VERIFICATION", at, { employmentId, actor: HIRE });
      for (const other of employments) {
        if (other.id !== employmentId) await this.planner.joinAccount(manager, other, account, at);
      }
      return account;
    });
    if (account) return account;
    const again = await this.find(token);
    if (!again && (await this.replacedByReminder(token))) throw replacedByReminder();
    const after = again ? linkState(again.invitation, now) : "INVALID";
    throw refusal(after === "VALID" ? "INVALID" : after);
  }

  /**
   * R10: whether `token` is a link a reminder replaced, and the reminder's link still works (the same
   * invitation, SENT, unexpired). Says nothing else: no address, no expiry — the page only points to
   * the newest mail. Once that link is used, expired or superseded, the old one is just INVALID.
   */
  private async replacedByReminder(token: string): Promise<boolean> {
    if (!token || token.length > 200) return false;
    const invitation = await this.dataSource.manager.findOneBy(Invitation, { previousTokenHash: hashLinkToken(token) });
    if (!invitation || invitation.status !== "SENT") return false;
    const tenant = await this.dataSource.manager.findOneByOrFail(Tenant, { id: invitation.tenantId });
    return linkState(invitation, this.clock.nowFor(tenant)) === "VALID";
  }

  private async find(token: string): Promise<{ invitation: Invitation; tenant: Tenant } | null> {
    if (!token || token.length > 200) return null;
    const invitation = await this.dataSource.manager.findOneBy(Invitation, { tokenHash: hashLinkToken(token) });
    if (!invitation) return null;
    const tenant = await this.dataSource.manager.findOneByOrFail(Tenant, { id: invitation.tenantId });
    return { invitation, tenant };
  }
}
