import { AssertionError } from "node:assert/strict";
import type { GraphQLResponse, TestApp } from "./app.js";
import { ACCOUNT_STATUS, type HrTenant } from "./hires.js";
import type { TestSmtp } from "./smtp.js";

/** How many times each race is run, each time on a fresh hire (RACE_ROUNDS: more, to gain confidence in a fix). */
export const ROUNDS = Number(process.env.RACE_ROUNDS ?? 20);

export const LINK_INFO = `query($token: String!) { linkInfo(token: $token) { state } }`;
export const CANCEL = `mutation($id: ID!) { cancelEmployment(employmentId: $id) { status } }`;
export const RESEND = `mutation($id: ID!) { resendInvitation(employmentId: $id) { id status } }`;
export const CHANGE_EMAIL = `mutation($id: ID!, $e: EmailAddress!) { changeEmail(employeeId: $id, email: $e) { email } }`;
export const CHANGE_START = `mutation($id: ID!, $d: LocalDate!) { changeStartDate(employmentId: $id, startDate: $d) { startDate } }`;
export const VERIFY = `mutation($token: String!) { verifyInvitation(token: $token) { connectAccount { id } } }`;
export const EMPLOYMENT_STATE = `query($id: ID!) { employment(id: $id) { status connectStatus history { kind } } }`;

/**
 * What is wrong with an answer to a request that raced another: it may succeed or refuse with one
 * of `allowed` (the contract's codes for losing the race), never fail otherwise. null: nothing.
 */
export function answerProblem(what: string, response: GraphQLResponse<unknown>, allowed: readonly string[]): string | null {
  if (!response.errors?.length && response.data) return null;
  const code = response.errors?.[0]?.extensions?.code;
  if (typeof code === "string" && allowed.includes(code)) return null;
  return `${what} answered ${code ?? response.status}: ${response.errors?.[0]?.message ?? "no data"}`;
}

/** The token of every link mailed to `to`, oldest first (a mail shows its link once per language: counted once). */
export const tokensMailedTo = (smtp: TestSmtp, to: string): string[] => [
  ...new Set(smtp.linksTo(to).map((link) => new URL(link).searchParams.get("token")!)),
];

/** What the verification page says of each token (linkInfo, public). */
export async function linkStates(t: TestApp, tokens: string[]): Promise<string[]> {
  return Promise.all(tokens.map(async (token) => (await t.gql(LINK_INFO, { token })).data?.linkInfo.state ?? "no answer"));
}

/** The hire confirms through the page's form (POST /verify): the outcome the page shows. */
export async function confirmByForm(t: TestApp, token: string): Promise<{ status: number; outcome: string }> {
  const response = await fetch(`${t.url}/verify`, { method: "POST", body: new URLSearchParams({ token, lang: "en" }) });
  const outcome = /data-outcome="([A-Z_]+)"/.exec(await response.text())?.[1] ?? "none";
  return { status: response.status, outcome };
}

/**
 * The employee's accountStatus once its invitation is no longer waiting to be sent (visible status
 * SCHEDULED, which also covers a send in flight). Throws when that has not happened by the deadline.
 */
export async function settledStatus(t: TestApp, tenant: HrTenant, employeeId: string, timeoutMs = 10_000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const response = await t.gql(ACCOUNT_STATUS, { id: employeeId }, tenant.key);
    const status = response.data?.accountStatus;
    if (!status) throw new Error(`accountStatus failed: ${JSON.stringify(response.errors)}`);
    if (status.invitation?.status !== "SCHEDULED") return status;
    if (Date.now() > until) throw new Error(`the invitation of ${employeeId} is still SCHEDULED after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Waits until `check` answers true; throws `what` (with the last thing seen) when it has not by the deadline. */
export async function until(what: string, check: () => Promise<{ done: boolean; seen: unknown }>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { done, seen } = await check();
    if (done) return;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms (last seen: ${JSON.stringify(seen)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A request that has not answered by its deadline: the server is still busy with it, so later rounds would measure that. */
export class NoAnswer extends Error {}

/**
 * t.gql, given up (the connection closed) when no answer has come within `ms`: throws NoAnswer.
 * The server may go on with it; a closed connection at least does not hold up its shutdown.
 */
export async function gqlWithin<T = any>(t: TestApp, ms: number, query: string, variables: Record<string, unknown>, key: string): Promise<GraphQLResponse<T>> {
  try {
    const response = await fetch(`${t.url}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(ms),
    });
    return { status: response.status, ...((await response.json()) as object) };
  } catch (error) {
    if (error instanceof Error && error.name === "TimeoutError") throw new NoAnswer(`${query.trim().slice(0, 60)}… ${JSON.stringify(variables)} did not answer within ${ms} ms`);
    throw error;
  }
}

/**
 * Runs `round` ROUNDS times (each on its own hire) and collects what each round found wrong, so that
 * a failure says in how many rounds the race broke the rule. A round that throws counts as broken;
 * after a request that did not answer in time (answerWithin) no further round is run.
 */
export async function brokenRounds(rounds: number, round: (i: number) => Promise<string[]>): Promise<string[]> {
  const broken: string[] = [];
  for (let i = 0; i < rounds; i++) {
    let stuck = false;
    const problems = await round(i).catch((error: unknown) => {
      stuck = error instanceof NoAnswer;
      return [String(error instanceof Error ? error.message : error)];
    });
    if (problems.length) broken.push(`round ${i + 1}: ${problems.join("; ")}`);
    if (stuck) {
      if (i + 1 < rounds) broken.push(`rounds ${i + 2}–${rounds} not run: the server is still busy with round ${i + 1}`);
      break;
    }
  }
  return broken;
}

/** Fails with how many rounds broke the rule, and how. */
export function assertNoRoundBroken(broken: string[], rounds: number): void {
  const count = broken.filter((line) => line.startsWith("round ")).length;
  if (broken.length) throw new AssertionError({ message: `${count} of ${rounds} rounds broke the rule:\n${broken.join("\n")}` });
}

/**
 * Fires both requests at the same moment; odd rounds send `b` first, so that each request is
 * sometimes the one that arrives first. Answers in the order a, b.
 */
export async function atOnce<A, B>(round: number, a: () => Promise<A>, b: () => Promise<B>): Promise<[A, B]> {
  if (round % 2 === 0) return Promise.all([a(), b()]);
  const [second, first] = await Promise.all([b(), a()]);
  return [first, second];
}

/** YYYY-MM-DD of the UTC date `days` after now (negative: before), for live tenants that must not depend on the year. */
export const utcDate = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
