/** Characters that steer a terminal or hide text: C0 controls (ESC, BEL, …), DEL, C1 (CSI, OSC as one character), bidi overrides. */
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/**
 * Text from the server made safe to print: its messages quote cells of the file, and a cell may hold
 * an escape sequence (set the window title, clear the screen, rewrite a line). Each control character
 * is shown as an escape instead (`\x1b`, `\u202e`), so the user sees what the file holds.
 */
export function printable(text: string): string {
  return text.replace(CONTROLS, (c) => {
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
  });
}
