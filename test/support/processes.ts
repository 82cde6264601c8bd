import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { projectRoot } from "../../src/paths.js";
import { postGraphQL, type TestApp } from "./app.js";

export const PROCESS_OPERATOR_KEY = "operator-process-test-key-0123456789abcdef";

/**
 * Starts the service in its own process (test/fixtures/service-process.ts, configured by `env` like
 * production) and resolves with its URL once it listens. `started` collects the child at once, so a
 * test's finally stops it even if it never came up.
 */
export async function startServiceProcess(env: Record<string, string>, started: ChildProcess[] = []): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(projectRoot, "dist/test/fixtures/service-process.js")], {
    env: { ...process.env, PORT: "0", LOG_LEVEL: "warn", OPERATOR_API_KEY: PROCESS_OPERATOR_KEY, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  started.push(child);
  child.stdout!.setEncoding("utf8");
  const url = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: string) => {
      out += chunk;
      const match = /listening (\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once("exit", (code) => reject(new Error(`the service exited with ${code} before listening`)));
  });
  return { child, url };
}

/** Enough of TestApp for the shared fixtures, against a service in another process. */
export const processClient = (url: string): TestApp =>
  ({ url, operatorKey: PROCESS_OPERATOR_KEY, gql: (q, v, k) => postGraphQL(url, q, v, k) }) as TestApp;
