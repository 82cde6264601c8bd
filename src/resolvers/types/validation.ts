import { Matches } from "class-validator";

// class-validator only checks and never trims; the services trim before saving.
/** The text has at least one non-space character (so "   " is refused like ""). */
export const NotBlank = () => Matches(/\S/, { message: "$property must not be blank" });
