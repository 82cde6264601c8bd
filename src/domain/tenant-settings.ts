// The tenant's lifecycle settings (R9, R10) and their limits, shared by the GraphQL inputs and the service.

/** R9: the HR system itself removes a leaver's Connect link five days after the end date. */
export const DEFAULT_DISCONNECT_AFTER_DAYS = 5;
export const DISCONNECT_AFTER_DAYS_MAX = 365;

/** R10: a link lives five days (R5), so a reminder comes 1–4 days before it expires. */
export const REMINDER_DAYS_MIN = 1;
export const REMINDER_DAYS_MAX = 4;

export interface TenantSettings {
  disconnectAfterDays: number;
  reminderDaysBeforeExpiry: number | null;
}

/** R9: N for a leaver: the user template's, when it sets one, else the tenant's. */
export function disconnectAfterDays(tenant: Pick<TenantSettings, "disconnectAfterDays">, userTemplate: { disconnectAfterDays: number | null } | null): number {
  return userTemplate?.disconnectAfterDays ?? tenant.disconnectAfterDays;
}
