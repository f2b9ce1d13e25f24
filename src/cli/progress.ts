import cliProgress from 'cli-progress';

/** A progress bar on a terminal only: piped output and CI logs stay clean. */
export function importProgressBar(
  totalBytes: number,
): { update: (p: { bytes: number; rows: number }) => void; stop: () => void } | undefined {
  if (!process.stderr.isTTY) return undefined;
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: 'Import [{bar}] {percentage}% | {rows} lignes | {eta_formatted}',
      hideCursor: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(Math.max(1, totalBytes), 0, { rows: 0 });
  return {
    update: (p) => bar.update(p.bytes, { rows: p.rows }),
    stop: () => bar.stop(),
  };
}
