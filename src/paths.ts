import { fileURLToPath } from "node:url";
import path from "node:path";

// Compiled code runs from dist/src/…; the project root is where package.json is, two levels up from dist/src.
const here = path.dirname(fileURLToPath(import.meta.url));
export const projectRoot = path.resolve(here, "..", "..");
export const sourceDir = path.join(projectRoot, "src");
