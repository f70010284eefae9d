/** How values read on the page. */

const pad = (value: number, size = 2): string => String(value).padStart(size, '0');

/** `14:03:07` in the viewer's time zone. */
export function clock(epochMs: number): string {
  const at = new Date(epochMs);
  return `${pad(at.getHours())}:${pad(at.getMinutes())}:${pad(at.getSeconds())}`;
}

/** `2026-12-05 14:03:07` in the viewer's time zone. */
export function dateTime(epochMs: number): string {
  const at = new Date(epochMs);
  return `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${clock(epochMs)}`;
}

/** `2026-12-05 14:00 UTC`: cron schedules are in UTC. */
export function utcMinute(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** `in 4 min`, `in 2 h`, `in 3 days`. */
export function fromNow(epochMs: number, now = Date.now()): string {
  const seconds = Math.round((epochMs - now) / 1000);
  if (seconds < 60) return seconds <= 0 ? 'now' : `in ${seconds} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 90) return `in ${minutes} min`;
  const hours = Math.round(minutes / 60);
  if (hours < 36) return `in ${hours} h`;
  return `in ${Math.round(hours / 24)} days`;
}

/** `842 ms`, `3.2 s`. */
export function duration(ms: number | undefined): string {
  if (ms === undefined) return '–';
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10000 ? 2 : 1)} s`;
}

/** `512 B`, `12.4 KB`, `3.1 MB`. */
export function bytes(size: number): string {
  if (size < 1024) return `${size} B`;
  if (size < 1024 * 1024) return `${(size / 1024).toFixed(1)} KB`;
  return `${(size / 1024 / 1024).toFixed(1)} MB`;
}

/** A JSON text pretty-printed, any other text as it is. */
export function prettyBody(text: string): string {
  if (text.trim() === '') return '';
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}
