import { test, describe } from "node:test";
import assert from "node:assert/strict";
import { DateTime } from "luxon";
import {
  planInvitation,
  sendScheduleFor,
  linkExpiresAt,
  isInVerifiedDomain,
  normalizeDomain,
  type PlanInput,
  type PlannedAction,
} from "../../src/domain/invitation-policy.js";

// The SPEC's worked examples: tenant in Stockholm, now = Wednesday 2026-03-25 14:00 local.
const STOCKHOLM = "Europe/Stockholm";
const NOW = "2026-03-25T13:00:00.000Z";

function plan(overrides: Partial<Omit<PlanInput, "now">> & { now?: string } = {}) {
  const { now = NOW, ...rest } = overrides;
  return planInvitation({
    startDate: "2026-04-10",
    email: "anna@example.com",
    hasUser: true,
    timeZone: STOCKHOLM,
    verifiedDomains: ["acme.se"],
    reviewPending: false,
    ...rest,
    now: new Date(now),
  });
}

function assertPlan(
  actual: ReturnType<typeof planInvitation>,
  action: PlannedAction,
  sendAt: string | null,
  expiresAt: string | null,
) {
  assert.deepEqual(
    {
      action: actual.action,
      sendAt: actual.sendAt?.toISOString() ?? null,
      expiresAt: actual.expiresAt?.toISOString() ?? null,
    },
    { action, sendAt, expiresAt },
  );
}

describe("SPEC worked examples (Europe/Stockholm, now 2026-03-25 14:00 local)", () => {
  test("past start → sent now, link until 00:00 local five days on", () => {
    assertPlan(plan({ startDate: "2026-03-20" }), "SEND_NOW", NOW, "2026-03-29T22:00:00.000Z");
  });

  test("start today → sent now", () => {
    assertPlan(plan({ startDate: "2026-03-25" }), "SEND_NOW", NOW, "2026-03-29T22:00:00.000Z");
  });

  test("start tomorrow → sent now", () => {
    assertPlan(plan({ startDate: "2026-03-26" }), "SEND_NOW", NOW, "2026-03-29T22:00:00.000Z");
  });

  test("start the day after tomorrow → 09:00 local on the day before (08:00Z in winter time)", () => {
    assertPlan(plan({ startDate: "2026-03-27" }), "SEND_LATER", "2026-03-26T08:00:00.000Z", "2026-03-30T22:00:00.000Z");
  });

  test("start across the spring DST change → 09:00+02:00 on the day of the change (07:00Z)", () => {
    assertPlan(plan({ startDate: "2026-03-30" }), "SEND_LATER", "2026-03-29T07:00:00.000Z", "2026-04-02T22:00:00.000Z");
  });

  test("link sent now (14:00 on 03-25) expires 2026-03-30 00:00+02:00", () => {
    assert.equal(linkExpiresAt(new Date(NOW), STOCKHOLM).toISOString(), "2026-03-29T22:00:00.000Z");
  });

  test("link sent 2026-03-26 09:00 local expires 2026-03-31 00:00+02:00", () => {
    assert.equal(
      linkExpiresAt(new Date("2026-03-26T08:00:00.000Z"), STOCKHOLM).toISOString(),
      "2026-03-30T22:00:00.000Z",
    );
  });

  test("review pending → nothing planned before the final approval", () => {
    assertPlan(plan({ startDate: "2026-04-10", reviewPending: true, now: "2026-03-27T10:00:00.000Z" }), "AFTER_REVIEW", null, null);
  });

  test("review, start 2026-04-10, final approval 2026-03-27 → 09:00+02:00 on 2026-04-09", () => {
    assertPlan(plan({ startDate: "2026-04-10", now: "2026-03-27T10:00:00.000Z", reviewPending: true }), "AFTER_REVIEW", null, null);
    assertPlan(
      plan({ startDate: "2026-04-10", now: "2026-03-27T10:00:00.000Z" }),
      "SEND_LATER",
      "2026-04-09T07:00:00.000Z",
      "2026-04-13T22:00:00.000Z",
    );
  });

  test("review, same hire, final approval 2026-04-09 10:00 local (start tomorrow) → sent at that approval", () => {
    assertPlan(plan({ startDate: "2026-04-10", now: "2026-04-09T08:00:00.000Z", reviewPending: true }), "AFTER_REVIEW", null, null);
    assertPlan(
      plan({ startDate: "2026-04-10", now: "2026-04-09T08:00:00.000Z" }),
      "SEND_NOW",
      "2026-04-09T08:00:00.000Z",
      "2026-04-13T22:00:00.000Z",
    );
  });

  test("review, final approval after the start date → sent at that approval", () => {
    assertPlan(plan({ startDate: "2026-04-10", now: "2026-04-14T12:30:00.000Z", reviewPending: true }), "AFTER_REVIEW", null, null);
    assertPlan(
      plan({ startDate: "2026-04-10", now: "2026-04-14T12:30:00.000Z" }),
      "SEND_NOW",
      "2026-04-14T12:30:00.000Z",
      "2026-04-18T22:00:00.000Z",
    );
  });

  test("verified domain acme.se, address Anna@ACME.se → connected now, no e-mail, whatever the start date", () => {
    for (const startDate of ["2020-01-01", "2026-03-25", "2026-03-26", "2026-03-27", "2026-04-10", "2030-12-31"]) {
      assertPlan(plan({ startDate, email: "Anna@ACME.se" }), "CONNECT_NOW", null, null);
    }
  });

  test("verified domain at the final approval → connected then, no e-mail", () => {
    assertPlan(plan({ email: "Anna@ACME.se", now: "2026-03-27T10:00:00.000Z" }), "CONNECT_NOW", null, null);
  });

  test("saved 23:30 local, start the day after tomorrow → 09:00 the next morning (9.5 h later)", () => {
    const result = plan({ startDate: "2026-03-27", now: "2026-03-25T22:30:00.000Z" });
    assertPlan(result, "SEND_LATER", "2026-03-26T08:00:00.000Z", "2026-03-30T22:00:00.000Z");
    assert.equal(result.sendAt!.getTime() - new Date("2026-03-25T22:30:00.000Z").getTime(), 9.5 * 3600_000);
  });

  test("saved 00:10 local on 03-26, start 03-27 → sent now (it is now tomorrow)", () => {
    assertPlan(
      plan({ startDate: "2026-03-27", now: "2026-03-25T23:10:00.000Z" }),
      "SEND_NOW",
      "2026-03-25T23:10:00.000Z",
      "2026-03-30T22:00:00.000Z",
    );
  });

  test("tenant in America/New_York, saved 20:00 there (00:00Z next day) → 09:00-04:00 on the day before the start", () => {
    assertPlan(
      plan({ timeZone: "America/New_York", startDate: "2026-03-27", now: "2026-03-26T00:00:00.000Z" }),
      "SEND_LATER",
      "2026-03-26T13:00:00.000Z",
      "2026-03-31T04:00:00.000Z",
    );
  });
});

describe("R3: today is the tenant-local date around local midnight", () => {
  const rows: [string, string, PlannedAction][] = [
    ["23:59:59.999 local on 03-25 is still 03-25", "2026-03-25T22:59:59.999Z", "SEND_LATER"],
    ["23:59 local on 03-25 is still 03-25", "2026-03-25T22:59:00.000Z", "SEND_LATER"],
    ["00:00 local on 03-26 is already 03-26", "2026-03-25T23:00:00.000Z", "SEND_NOW"],
    ["00:01 local on 03-26 is 03-26", "2026-03-25T23:01:00.000Z", "SEND_NOW"],
  ];
  for (const [rule, now, action] of rows) {
    test(`start 03-27: ${rule} → ${action}`, () => {
      assert.equal(plan({ startDate: "2026-03-27", now }).action, action);
    });
  }
});

describe("R3: calendar-day arithmetic on local dates", () => {
  test("start far in the past → sent now", () => {
    assertPlan(plan({ startDate: "1990-01-01" }), "SEND_NOW", NOW, "2026-03-29T22:00:00.000Z");
  });

  test("start far in the future → 09:00 local on the day before", () => {
    assertPlan(plan({ startDate: "2099-12-31" }), "SEND_LATER", "2099-12-30T08:00:00.000Z", "2100-01-03T23:00:00.000Z");
  });

  test("start on the 1st of a month → the last day of the previous month", () => {
    assertPlan(plan({ startDate: "2026-04-01" }), "SEND_LATER", "2026-03-31T07:00:00.000Z", "2026-04-04T22:00:00.000Z");
  });

  test("start on New Year's Day → New Year's Eve, link into the new year", () => {
    assertPlan(plan({ startDate: "2027-01-01" }), "SEND_LATER", "2026-12-31T08:00:00.000Z", "2027-01-04T23:00:00.000Z");
  });

  test("start on 1 March of a leap year → 29 February", () => {
    assertPlan(plan({ startDate: "2028-03-01" }), "SEND_LATER", "2028-02-29T08:00:00.000Z", "2028-03-04T23:00:00.000Z");
  });
});

describe("DST changes in Europe/Stockholm (spring 2026-03-29, autumn 2026-10-25)", () => {
  test("spring: start 03-29 → 09:00+01:00 on 03-28, the day before the change", () => {
    assertPlan(plan({ startDate: "2026-03-29" }), "SEND_LATER", "2026-03-28T08:00:00.000Z", "2026-04-01T22:00:00.000Z");
  });

  test("spring: start 03-30 → 09:00+02:00 on 03-29, the 23-hour day", () => {
    assert.equal(plan({ startDate: "2026-03-30" }).sendAt?.toISOString(), "2026-03-29T07:00:00.000Z");
  });

  test("spring: a link sent before the change expires at 00:00 summer time", () => {
    assert.equal(linkExpiresAt(new Date("2026-03-27T12:00:00.000Z"), STOCKHOLM).toISOString(), "2026-03-31T22:00:00.000Z");
  });

  test("spring: a link sent at 01:30 local on the change day (before 02:00) counts that day", () => {
    assert.equal(linkExpiresAt(new Date("2026-03-29T00:30:00.000Z"), STOCKHOLM).toISOString(), "2026-04-02T22:00:00.000Z");
  });

  test("autumn: start 10-25 → 09:00+02:00 on 10-24, the day before the change", () => {
    assertPlan(
      plan({ startDate: "2026-10-25", now: "2026-10-01T10:00:00.000Z" }),
      "SEND_LATER",
      "2026-10-24T07:00:00.000Z",
      "2026-10-28T23:00:00.000Z",
    );
  });

  test("autumn: start 10-26 → 09:00+01:00 on 10-25, the 25-hour day", () => {
    assertPlan(
      plan({ startDate: "2026-10-26", now: "2026-10-01T10:00:00.000Z" }),
      "SEND_LATER",
      "2026-10-25T08:00:00.000Z",
      "2026-10-29T23:00:00.000Z",
    );
  });

  test("autumn: a link sent before the change expires at 00:00 winter time", () => {
    assert.equal(linkExpiresAt(new Date("2026-10-22T10:00:00.000Z"), STOCKHOLM).toISOString(), "2026-10-26T23:00:00.000Z");
  });

  test("autumn: a link sent in the repeated hour 02:30 local counts the change day", () => {
    for (const sent of ["2026-10-25T00:30:00.000Z", "2026-10-25T01:30:00.000Z"]) {
      assert.equal(linkExpiresAt(new Date(sent), STOCKHOLM).toISOString(), "2026-10-29T23:00:00.000Z");
    }
  });

  test("autumn: saved 00:30 local on the change day → today is 10-25 even though UTC is still 10-24", () => {
    assertPlan(
      plan({ startDate: "2026-10-26", now: "2026-10-24T22:30:00.000Z" }),
      "SEND_NOW",
      "2026-10-24T22:30:00.000Z",
      "2026-10-29T23:00:00.000Z",
    );
  });
});

describe("zones far from Europe", () => {
  test("Asia/Tokyo: 01:00 local on 03-26 while UTC is still 03-25 → start 03-27 is tomorrow, sent now", () => {
    assertPlan(
      plan({ timeZone: "Asia/Tokyo", startDate: "2026-03-27", now: "2026-03-25T16:00:00.000Z" }),
      "SEND_NOW",
      "2026-03-25T16:00:00.000Z",
      "2026-03-30T15:00:00.000Z",
    );
  });

  test("Asia/Tokyo: start 03-28 → 09:00+09:00 on 03-27 (00:00Z)", () => {
    assertPlan(
      plan({ timeZone: "Asia/Tokyo", startDate: "2026-03-28", now: "2026-03-25T16:00:00.000Z" }),
      "SEND_LATER",
      "2026-03-27T00:00:00.000Z",
      "2026-03-31T15:00:00.000Z",
    );
  });

  test("Pacific/Auckland: send on the day NZ summer time ends → 09:00+12:00", () => {
    assertPlan(
      plan({ timeZone: "Pacific/Auckland", startDate: "2026-04-06" }),
      "SEND_LATER",
      "2026-04-04T21:00:00.000Z",
      "2026-04-09T12:00:00.000Z",
    );
  });

  test("Pacific/Auckland: 02:00 local on 03-26 → start 03-27 is tomorrow, sent now", () => {
    assertPlan(
      plan({ timeZone: "Pacific/Auckland", startDate: "2026-03-27" }),
      "SEND_NOW",
      NOW,
      "2026-03-30T11:00:00.000Z",
    );
  });

  test("America/Los_Angeles: 23:30 local on 03-25 while UTC is 03-26 → start 03-27 is the day after tomorrow", () => {
    assertPlan(
      plan({ timeZone: "America/Los_Angeles", startDate: "2026-03-27", now: "2026-03-26T06:30:00.000Z" }),
      "SEND_LATER",
      "2026-03-26T16:00:00.000Z",
      "2026-03-31T07:00:00.000Z",
    );
  });

  test("America/Los_Angeles: start 03-26 is tomorrow there → sent now", () => {
    assert.equal(
      plan({ timeZone: "America/Los_Angeles", startDate: "2026-03-26", now: "2026-03-26T06:30:00.000Z" }).action,
      "SEND_NOW",
    );
  });

  test("America/Santiago: a link expiry on a day whose midnight is skipped → the first instant of that day (01:00)", () => {
    // Chile springs forward at 00:00 on 2026-09-06: 00:00 -04:00 becomes 01:00 -03:00.
    assert.equal(
      linkExpiresAt(new Date("2026-09-01T15:00:00.000Z"), "America/Santiago").toISOString(),
      "2026-09-06T04:00:00.000Z",
    );
  });
});

describe("order of decisions", () => {
  test("no user (R1) → NONE, even with a verified address and a review pending", () => {
    assertPlan(plan({ hasUser: false, email: "anna@acme.se", reviewPending: true }), "NONE", null, null);
  });

  test("no e-mail (R2) → NONE", () => {
    assertPlan(plan({ email: null }), "NONE", null, null);
  });

  test("a blank e-mail counts as none → NONE", () => {
    assertPlan(plan({ email: "  " }), "NONE", null, null);
  });

  test("review pending comes before a verified domain (R4 before R7) → AFTER_REVIEW", () => {
    assertPlan(plan({ email: "anna@acme.se", reviewPending: true }), "AFTER_REVIEW", null, null);
  });

  test("review pending with a start in the past → still AFTER_REVIEW", () => {
    assertPlan(plan({ startDate: "2026-03-01", reviewPending: true }), "AFTER_REVIEW", null, null);
  });

  test("an address outside the verified domains → an e-mail is planned", () => {
    for (const email of ["anna@sub.acme.se", "anna@acme.se.evil.com", "anna@notacme.se"]) {
      assert.equal(plan({ email, startDate: "2026-03-25" }).action, "SEND_NOW", email);
    }
  });
});

describe("a schedule shared by many hires (an import's chunk)", () => {
  test("each hire's plan is the plan it gets alone, whatever the start dates, addresses and users", () => {
    const schedule = sendScheduleFor(STOCKHOLM, new Date(NOW));
    const hires: Partial<Omit<PlanInput, "now">>[] = [];
    for (const startDate of ["2026-03-20", "2026-03-26", "2026-03-27", "2026-04-10", "2026-10-26", "2026-04-10", "2026-03-27"]) {
      hires.push({ startDate }, { startDate, email: null }, { startDate, hasUser: false }, { startDate, email: "anna@acme.se" }, { startDate, reviewPending: true });
    }
    for (const hire of hires) {
      const input: PlanInput = { startDate: "2026-04-10", email: "anna@example.com", hasUser: true, timeZone: STOCKHOLM, verifiedDomains: ["acme.se"], reviewPending: false, ...hire, now: new Date(NOW) };
      assert.deepEqual(planInvitation(input, schedule), plan(hire), JSON.stringify(hire));
    }
  });

  test("a start date that is not a calendar date throws, also when it was asked before", () => {
    const schedule = sendScheduleFor(STOCKHOLM, new Date(NOW));
    for (let i = 0; i < 2; i++) assert.throws(() => schedule("2026-02-30"), Error);
  });
});

describe("invalid input is a caller's bug", () => {
  test("an unknown time zone throws", () => {
    assert.throws(() => plan({ timeZone: "Mars/Olympus" }), Error);
    assert.throws(() => linkExpiresAt(new Date(NOW), "Europe/Stockholmm"), Error);
  });

  test("a start date that is not a calendar date YYYY-MM-DD throws", () => {
    for (const startDate of ["2026-02-30", "2026-13-01", "26-03-2026", "2026-3-5", "2026-03-25T10:00", "", "tomorrow"]) {
      assert.throws(() => plan({ startDate }), Error, startDate);
    }
  });

  test("an invalid instant throws", () => {
    assert.throws(() => plan({ now: "not a date" }), Error);
    assert.throws(() => linkExpiresAt(new Date(Number.NaN), STOCKHOLM), Error);
  });
});

describe("R5 linkExpiresAt", () => {
  test("sent 2026-03-25T13:00Z → 2026-03-29T22:00Z", () => {
    assert.equal(linkExpiresAt(new Date("2026-03-25T13:00:00Z"), STOCKHOLM).toISOString(), "2026-03-29T22:00:00.000Z");
  });

  test("sent 2026-03-26T08:00Z → 2026-03-30T22:00Z", () => {
    assert.equal(linkExpiresAt(new Date("2026-03-26T08:00:00Z"), STOCKHOLM).toISOString(), "2026-03-30T22:00:00.000Z");
  });

  test("the send day counts whole: sent at 00:00 or 23:59 local on the same day → the same expiry", () => {
    for (const sent of ["2026-05-10T22:00:00.000Z", "2026-05-11T21:59:59.999Z"]) {
      assert.equal(linkExpiresAt(new Date(sent), STOCKHOLM).toISOString(), "2026-05-15T22:00:00.000Z", sent);
    }
  });
});

describe("R5: the expiry date begins at its first instant, also where a clock change repeats or skips midnight", () => {
  // From the tz data (luxon over Node's ICU, tz 2025c): Cuba and the Azores go back from 01:00 to 00:00
  // in autumn, so 00:00 happens twice; in spring they jump from 00:00 to 01:00, so it never happens.
  const rows: [zone: string, sentAt: string, expires: string, why: string][] = [
    ["America/Havana", "2025-10-28T16:00:00Z", "2025-11-02T04:00:00.000Z", "2025-11-02 00:00-04:00, the first of two midnights (the second is 05:00Z)"],
    ["America/Havana", "2026-10-27T16:00:00Z", "2026-11-01T04:00:00.000Z", "2026-11-01 00:00-04:00, not the second 00:00-05:00"],
    ["America/Havana", "2027-11-02T16:00:00Z", "2027-11-07T04:00:00.000Z", "2027-11-07 00:00-04:00"],
    ["Atlantic/Azores", "2025-10-21T12:00:00Z", "2025-10-26T00:00:00.000Z", "2025-10-26 00:00+00:00, the first of two midnights (the second is 01:00Z)"],
    ["Atlantic/Azores", "2026-10-20T12:00:00Z", "2026-10-25T00:00:00.000Z", "2026-10-25 00:00+00:00"],
    ["Atlantic/Azores", "2027-10-26T12:00:00Z", "2027-10-31T00:00:00.000Z", "2027-10-31 00:00+00:00"],
    ["America/Havana", "2026-03-03T16:00:00Z", "2026-03-08T05:00:00.000Z", "2026-03-08: midnight skipped, the day begins at 01:00-04:00"],
    ["Atlantic/Azores", "2026-03-24T12:00:00Z", "2026-03-29T01:00:00.000Z", "2026-03-29: midnight skipped, the day begins at 01:00+00:00"],
    ["America/Santiago", "2027-08-31T16:00:00Z", "2027-09-05T04:00:00.000Z", "2027-09-05: midnight skipped, the day begins at 01:00-03:00"],
    ["America/Havana", "2026-11-01T04:30:00Z", "2026-11-06T05:00:00.000Z", "sent at the first 00:30 of the change day: counted from that day"],
    ["America/Havana", "2026-11-01T05:30:00Z", "2026-11-06T05:00:00.000Z", "sent at the second 00:30: the same day, the same expiry"],
  ];
  for (const [zone, sentAt, expires, why] of rows) {
    test(`${zone}, sent ${sentAt} → ${expires} (${why})`, () => {
      assert.equal(linkExpiresAt(new Date(sentAt), zone).toISOString(), expires);
    });
  }

  test("every day of 2025–2027 in zones with such changes: the expiry is the first instant of send date + 5", () => {
    for (const zone of ["America/Havana", "Atlantic/Azores", "America/Santiago", "Europe/Stockholm", "Australia/Lord_Howe", "Pacific/Chatham", "Asia/Tokyo"]) {
      for (let day = DateTime.fromISO("2025-01-01", { zone }); day.year < 2028; day = day.plus({ days: 1 })) {
        const sentAt = day.set({ hour: 12 }).toJSDate();
        const expiresAt = linkExpiresAt(sentAt, zone);
        const expiryDate = day.plus({ days: 5 }).toISODate();
        assert.equal(DateTime.fromJSDate(expiresAt, { zone }).toISODate(), expiryDate, `${zone} ${day.toISODate()}: on the expiry date`);
        assert.equal(DateTime.fromMillis(expiresAt.getTime() - 1, { zone }).toISODate(), day.plus({ days: 4 }).toISODate(), `${zone} ${day.toISODate()}: the first instant`);
      }
    }
  });
});

describe("R7 isInVerifiedDomain", () => {
  const rows: [string, readonly string[], boolean][] = [
    ["anna@acme.se", ["acme.se"], true],
    ["Anna@ACME.se", ["acme.se"], true],
    ["anna@acme.se", ["ACME.SE"], true],
    ["anna@acme.se", ["other.com", "acme.se"], true],
    ["anna@acme.se.", ["acme.se"], true],
    ["anna@sub.acme.se", ["acme.se"], false],
    ["anna@acme.se.evil.com", ["acme.se"], false],
    ["anna@notacme.se", ["acme.se"], false],
    ["anna@acme.se", ["sub.acme.se"], false],
    ["anna@acme.sex", ["acme.se"], false],
    ["anna@acme.se", [], false],
    ["acme.se", ["acme.se"], false],
    ["@acme.se", ["acme.se"], false],
    ["anna@", ["acme.se"], false],
    ["\"a@b\"@acme.se", ["acme.se"], true],
    ["anna@acme.se@evil.com", ["acme.se"], false],
  ];
  for (const [email, domains, expected] of rows) {
    test(`${email} with [${domains.join(", ")}] → ${expected ? "verified" : "not verified"}`, () => {
      assert.equal(isInVerifiedDomain(email, domains), expected);
    });
  }
});

describe("normalizeDomain", () => {
  const LONGEST = ["a".repeat(63), "b".repeat(63), "c".repeat(63), "d".repeat(61)].join("."); // 253 characters
  const accepted: [string, string][] = [
    ["acme.se", "acme.se"],
    ["ACME.SE", "acme.se"],
    ["  acme.se  ", "acme.se"],
    ["acme.se.", "acme.se"],
    ["sub.acme.se", "sub.acme.se"],
    ["my-company.co.uk", "my-company.co.uk"],
    ["a.b", "a.b"],
    ["123.com", "123.com"],
    ["xn--rksmrgs-5wao1o.se", "xn--rksmrgs-5wao1o.se"],
    ["example.xn--p1ai", "example.xn--p1ai"],
    [`${"a".repeat(63)}.se`, `${"a".repeat(63)}.se`],
    [LONGEST, LONGEST],
    [`${LONGEST}.`, LONGEST],
  ];
  for (const [input, expected] of accepted) {
    test(`accepts ${JSON.stringify(input.length > 40 ? input.slice(0, 40) + "…" : input)} as ${expected.length > 40 ? expected.slice(0, 40) + "…" : expected}`, () => {
      assert.equal(normalizeDomain(input), expected);
    });
  }

  const rejected: [string, string][] = [
    ["", "empty"],
    ["   ", "blank"],
    [".", "only a dot"],
    ["acme", "a single label"],
    ["acme.", "a single label with a trailing dot"],
    ["acme.se..", "two trailing dots"],
    [".acme.se", "a leading dot"],
    ["acme..se", "an empty label"],
    ["-acme.se", "a label starting with a hyphen"],
    ["acme-.se", "a label ending with a hyphen"],
    ["acme.-se", "a TLD starting with a hyphen"],
    ["ac_me.se", "an underscore"],
    ["ac me.se", "inner whitespace"],
    ["anna@acme.se", "an address, not a domain"],
    ["*.acme.se", "a wildcard"],
    ["http://acme.se", "a URL"],
    ["acme.se/", "a path"],
    ["acme.se:443", "a port"],
    ["1.2.3.4", "an IP address (numeric TLD)"],
    ["acme.123", "an all-digit TLD"],
    ["räksmörgås.se", "an IDN not in punycode"],
    ["acme.se\u0000", "a control character"],
    [`${"a".repeat(64)}.se`, "a 64-character label"],
    [`${LONGEST}d`, "254 characters in total"],
  ];
  for (const [input, why] of rejected) {
    test(`rejects ${why}`, () => {
      assert.equal(normalizeDomain(input), null);
    });
  }
});
