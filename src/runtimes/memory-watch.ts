import fs from 'node:fs';

/**
 * The resident memory a worker may reach before it is stopped: the function's limit, plus
 * room for the runtime itself (node, the JVM and the interpreters take 15-50 MB, and a heap
 * at its limit carries a young generation and fragmentation that grow with it). The heap
 * flags and address-space limits of the launchers stop most functions first; this also
 * stops the memory they do not see (node Buffers, native allocations).
 */
export function memoryCeilingMb(memoryMb: number): number {
  return Math.ceil(memoryMb * 1.25) + 128;
}

/** How often a worker's resident memory is read while it runs an invocation, and while idle. */
const MEMORY_CHECK_ACTIVE_MS = 20;
const MEMORY_CHECK_IDLE_MS = 100;
/** Resident memory is read from /proc: on systems without it the limit is the launchers' alone. */
const HAS_PROC = fs.existsSync('/proc/self/status');

/** A process's resident memory in MB, or undefined when it cannot be read (it is gone). */
function residentMb(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

export interface MemoryWatchOptions {
  pid: number | undefined;
  ceilingMb: number;
  /** read often while an invocation runs, less often while idle */
  busy: () => boolean;
  /** the process went over its ceiling (called once; the watch stops) */
  onOver: (usedMb: number) => void;
}

/**
 * Reads one worker's resident memory now and then and reports when it is over its ceiling.
 * It stops by itself once the process is gone (nothing left to read).
 */
export class MemoryWatch {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastReadingMb?: number;

  constructor(private readonly options: MemoryWatchOptions) {
    this.soon();
  }

  /** Reads again shortly: an invocation starts, and an idle worker's next reading may be far off. */
  soon(): void {
    clearTimeout(this.timer);
    const pid = this.options.pid;
    if (!HAS_PROC || pid === undefined || this.stopped) return;
    const check = (): void => {
      const used = residentMb(pid);
      if (this.stopped || used === undefined) return;
      this.lastReadingMb = used;
      if (used > this.options.ceilingMb) {
        this.stop();
        this.options.onOver(Math.round(used));
        return;
      }
      this.arm(check, this.options.busy() ? MEMORY_CHECK_ACTIVE_MS : MEMORY_CHECK_IDLE_MS);
    };
    this.arm(check, MEMORY_CHECK_ACTIVE_MS);
  }

  /**
   * The resident memory (MB) at the last reading, for whoever budgets memory across workers
   * (they reuse it rather than read /proc again); undefined before the first reading, once
   * stopped, and where /proc cannot be read.
   */
  get lastMb(): number | undefined {
    return this.stopped ? undefined : this.lastReadingMb;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private arm(check: () => void, ms: number): void {
    this.timer = setTimeout(check, ms);
    this.timer.unref();
  }
}
