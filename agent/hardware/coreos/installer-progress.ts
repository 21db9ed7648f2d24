/**
 * What coreos-installer's output lines say about its progress: shared by the
 * runner (run-installer.ts), which reports it to the running command, and
 * the log (installer-output-log.ts), which thins out progress lines.
 */

/** One progress report; `percent` only for the image-write phase. */
export interface InstallerProgress {
  phase: 'source' | 'write' | 'ignition' | 'postprocess' | 'complete' | 'error';
  line: string;
  percent: number | null;
}

/** Classify one output line of coreos-installer (pure). */
export function parseProgress(line: string): InstallerProgress | null {
  const read = /^>?\s*Read \S+ (.+?)\/(.+?) \((\d{1,3})%\)\s*$/.exec(line);
  if (read !== null) return { phase: 'write', line, percent: Number(read[3]) };
  if (/^(Downloading|Copying|Installing|Reading signature|Signature not found)/.test(line))
    return { phase: 'source', line, percent: null };
  if (line.startsWith('Writing Ignition config')) return { phase: 'ignition', line, percent: null };
  if (
    /^(Modifying kernel arguments|Copying networking configuration|Setting platform|Configuring console|Writing first-boot)/.test(
      line,
    )
  ) {
    return { phase: 'postprocess', line, percent: null };
  }
  if (line === 'Install complete.') return { phase: 'complete', line, percent: 100 };
  if (line.startsWith('Error: ')) return { phase: 'error', line, percent: null };
  return null;
}
