import { chmod, lstat, mkdir, readdir } from "node:fs/promises";
import path from "node:path";

/**
 * DATA_DIR holds the embedded database, its socket, the operator key and (without SMTP_URL) mails with
 * their links: only its owner may read or change any of it. From here on this process creates folders
 * 0700 and files 0600 (umask 077); what is there already is set so (PGlite's first start writes its
 * files 0666, an earlier version of ours left them 0644).
 */
export async function keepDataDirPrivate(dataDir: string): Promise<void> {
  process.umask(0o077);
  await mkdir(dataDir, { recursive: true, mode: 0o700 });
  await makeOwnerOnly(dataDir);
}

/** Folders under `at` (and `at`) 0700, everything else 0600; symbolic links are left as they are. */
export async function makeOwnerOnly(at: string): Promise<void> {
  const info = await lstat(at);
  if (info.isSymbolicLink()) return;
  const mode = info.isDirectory() ? 0o700 : 0o600;
  if ((info.mode & 0o777) !== mode) await chmod(at, mode);
  if (info.isDirectory()) for (const name of await readdir(at)) await makeOwnerOnly(path.join(at, name));
}
