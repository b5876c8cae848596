/** Progress bars on stderr (never on stdout, so `--json` output stays one document). */
import { SingleBar, Presets } from "cli-progress";

/** Bars still running: {@link stopAllProgress} stops them when a command fails, so no timer keeps the process alive. */
const active = new Set<{ stop: () => void }>();

/** Stop every running bar (called by the CLI when a command ends, normally or with an error). */
export function stopAllProgress(): void {
  for (const b of [...active]) b.stop();
}

/** A bar over `total` steps; silent when `quiet` (e.g. under --json with no TTY). */
export function progressBar(
  label: string,
  total: number,
  { quiet = false }: { quiet?: boolean } = {},
): { tick: (info?: string) => void; stop: () => void } {
  if (quiet) return { tick: () => {}, stop: () => {} };
  const bar = new SingleBar(
    {
      format: `${label} [{bar}] {value}/{total} {info}`,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 2000,
      hideCursor: false,
    },
    Presets.shades_classic,
  );
  bar.start(total, 0, { info: "" });
  const handle = {
    tick: (info = "") => bar.increment(1, { info }),
    stop: () => {
      if (!active.delete(handle)) return;
      bar.stop();
    },
  };
  active.add(handle);
  return handle;
}
