/* Memory of the measured process: its peak RSS over a piece of work, and samples of it. */
import { readFileSync, writeFileSync } from 'node:fs';

/** Peak resident set size of this process (VmHWM), in bytes. */
export function peakRssBytes(): number {
  try {
    const status = readFileSync('/proc/self/status', 'utf8');
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(status);
    if (match) {
      return Number(match[1]) * 1024;
    }
  } catch {
    // Not Linux: fall back to getrusage.
  }
  return process.resourceUsage().maxRSS * 1024;
}

/**
 * Starts a new peak: `VmHWM` becomes the current RSS (Linux,
 * `/proc/self/clear_refs`), so that `peakRssBytes()` afterwards is the peak
 * of what follows. False where that is not possible: the peak then counts
 * from the start of the process.
 */
export function resetPeakRss(): boolean {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
}

/**
 * Samples memory every `intervalMs`; `stop()` returns the sample with the
 * largest RSS (with the V8 heap at that moment: the rest is native,
 * DuckDB's and SQLite's memory among it).
 */
export function rssSampler(intervalMs = 50) {
  let max = process.memoryUsage();
  const sample = () => {
    const now = process.memoryUsage();
    if (now.rss > max.rss) {
      max = now;
    }
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return { rss: max.rss, heapUsed: max.heapUsed, heapTotal: max.heapTotal };
    },
  };
}
