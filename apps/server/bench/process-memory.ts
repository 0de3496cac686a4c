import { readFile } from 'node:fs/promises';

/** Current (`VmRSS`) or peak (`VmHWM`) resident memory of a process, in MiB. */
export async function rssMiB(pid: number, field: 'VmRSS' | 'VmHWM'): Promise<number> {
  const status = await readFile(`/proc/${pid}/status`, 'utf8');
  return Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
}
