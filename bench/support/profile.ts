// A CPU profile of this process's main thread for a stretch of a benchmark (open it in Chrome's
// DevTools, Performance tab, or VS Code).
import { writeFile } from "node:fs/promises";
import { Session } from "node:inspector/promises";

export async function startProfiler(): Promise<{ stop(file: string): Promise<void> }> {
  const session = new Session();
  session.connect();
  await session.post("Profiler.enable");
  await session.post("Profiler.setSamplingInterval", { interval: 500 });
  await session.post("Profiler.start");
  return {
    async stop(file) {
      const { profile } = await session.post("Profiler.stop");
      await writeFile(file, JSON.stringify(profile));
      session.disconnect();
    },
  };
}
