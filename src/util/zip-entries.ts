/**
 * Zip entry names that would land outside the directory a zip (or jar) is unpacked into:
 * absolute paths (`/etc/x`, `C:\x`), `..` segments, NUL bytes. Shared by spotinst-local,
 * which unpacks uploads, and `invoke local`, which unpacks jars.
 */
export function unsafeEntryName(name: string): boolean {
  const normalized = name.replace(/\\/g, '/');
  if (normalized.startsWith('/') || /^[A-Za-z]:/.test(normalized) || normalized.includes('\0')) return true;
  return normalized.split('/').some((segment) => segment === '..');
}
