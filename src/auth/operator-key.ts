import { mkdir, open, readFile } from "node:fs/promises";
import path from "node:path";
import { generateApiKey } from "./api-keys.js";

/**
 * The operator key: OPERATOR_API_KEY when set; otherwise one generated on first start and kept in
 * DATA_DIR (mode 0600), for development on the embedded defaults.
 */
export async function resolveOperatorKey(configured: string | undefined, dataDir: string): Promise<{ key: string; generated: boolean }> {
  if (configured) return { key: configured, generated: false };
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  const file = path.join(dataDir, "operator-api-key");
  try {
    const handle = await open(file, "wx", 0o600);
    const key = generateApiKey();
    await handle.writeFile(key);
    await handle.close();
    return { key, generated: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
    return { key: (await readFile(file, "utf8")).trim(), generated: true };
  }
}
