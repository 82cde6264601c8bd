import { GraphQLScalarType, Kind } from "graphql";
import { DateTimeResolver, EmailAddressResolver, LocalDateResolver } from "graphql-scalars";
import { emailAddressProblem } from "../domain/email-address.js";

// graphql-scalars' DateTime.serialize returns a Date (JSON.stringify turns it into a string later);
// in-process results (tests, executeOperation) would then hold Date objects, so answer the string.
const dateTimeConfig = DateTimeResolver.toConfig();
const serializeDateTime = dateTimeConfig.serialize;

/** DateTime: an instant. Input: RFC 3339 with offset → JS Date. Output: `2026-03-26T08:00:00.000Z`. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  ...dateTimeConfig,
  name: "DateTime",
  description: "An instant, ISO-8601 with offset, e.g. 2026-03-26T08:00:00.000Z.",
  serialize(value) {
    const instant = serializeDateTime(value) as Date;
    if (Number.isNaN(instant.getTime())) {
      throw new TypeError(`DateTime cannot represent an invalid instant: ${String(value)}`);
    }
    return instant.toISOString();
  },
  parseValue: dateTimeConfig.parseValue as (value: unknown) => Date,
  parseLiteral: dateTimeConfig.parseLiteral as GraphQLScalarType<Date, string>["parseLiteral"],
});

/**
 * LocalDate: a calendar date as the plain string "YYYY-MM-DD" in both directions. graphql-scalars'
 * scalar already does exactly that (parses to the same string, rejects 2026-02-30, and refuses to
 * serialize a Date, whose calendar day would depend on a zone), so it is used as is.
 */
export const LocalDateScalar = LocalDateResolver as GraphQLScalarType<string, string>;

const emailAddressConfig = EmailAddressResolver.toConfig();

/**
 * EmailAddress: graphql-scalars' (the HTML standard's valid e-mail address). Its input is checked by
 * the one address rule of src/domain/email-address.ts — the same form, at most 254 characters — so
 * that an address is accepted exactly when it can also be given back; output is graphql-scalars' own.
 */
export const EmailAddressScalar = new GraphQLScalarType<string, string>({
  ...emailAddressConfig,
  serialize: emailAddressConfig.serialize as (value: unknown) => string,
  parseValue: (value) => checkedAddress(value),
  parseLiteral: (ast) => checkedAddress(ast.kind === Kind.STRING ? ast.value : undefined, `Can only validate strings as email addresses but got a: ${ast.kind}`),
});

function checkedAddress(value: unknown, notAString = `Value is not string: ${String(value)}`): string {
  if (typeof value !== "string") throw new TypeError(notAString);
  const problem = emailAddressProblem(value, "The value");
  if (problem) throw new TypeError(problem);
  return value;
}

/** For buildSchema's `scalarsMap`: a reflected `Date` is a DateTime, never type-graphql's DateTimeISO. */
export const scalarsMap = [{ type: Date, scalar: DateTimeScalar }];
