import { writeFile } from "node:fs/promises";
import path from "node:path";
import { sourceDir } from "../paths.js";
import { buildAppSchema, printAppSchema } from "../schema/build-schema.js";

const target = path.join(sourceDir, "schema", "schema.graphql");
await writeFile(target, printAppSchema(await buildAppSchema()));
console.log(`wrote ${path.relative(process.cwd(), target)}`);
