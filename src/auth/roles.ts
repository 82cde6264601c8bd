export const roles = ["OPERATOR", "HR_ADMIN", "REVIEWER", "PARTNER"] as const;
export type Role = (typeof roles)[number];
export const Role = Object.fromEntries(roles.map((r) => [r, r])) as { [R in Role]: R };
