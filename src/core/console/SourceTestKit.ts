/** Test support: a Session with an in-memory workspace, and module texts built from a few lines. */

import { Session } from './Session';

export function moduleInf(name: string, opts: { entry?: string; depex?: string; protocols?: string[]; sources?: string[] } = {}): string {
  return [
    '[Defines]',
    '  INF_VERSION = 0x00010005',
    `  BASE_NAME = ${name}`,
    '  FILE_GUID = 5B3C1E2A-1111-4222-8333-9444555566AA',
    '  MODULE_TYPE = DXE_SMM_DRIVER',
    `  ENTRY_POINT = ${opts.entry ?? `${name}Entry`}`,
    '[Sources]',
    ...(opts.sources ?? [`${name}.c`]).map((s) => `  ${s}`),
    '[Protocols]',
    ...(opts.protocols ?? ['gEfiSmmCpuProtocolGuid']).map((p) => `  ${p}`),
    '[Depex]',
    `  ${opts.depex ?? 'gEfiMmCpuIoProtocolGuid AND gEfiSmmCpuProtocolGuid'}`,
    '',
  ].join('\n');
}

/** A root MMI handler module for APM command `value` whose handler body is `body` (after it read Command). */
export function rootHandlerModule(name: string, value: number, body = 'return EFI_SUCCESS;'): string {
  return `#include <PiSmm.h>
#include <Library/DebugLib.h>
#include <Library/SmmServicesTableLib.h>
#include <Protocol/SmmCpu.h>
#include <IndustryStandard/Q35MchIch9.h>

EFI_HANDLE  mDispatchHandle;
UINTN       mCalls;

EFI_STATUS
EFIAPI
${name}Handler (
  IN EFI_HANDLE  DispatchHandle,
  IN CONST VOID  *Context OPTIONAL,
  IN OUT VOID    *CommBuffer OPTIONAL,
  IN OUT UINTN   *CommBufferSize OPTIONAL
  )
{
  UINT8  Command;

  gSmst->SmmIo.Io.Read (&gSmst->SmmIo, SMM_IO_UINT8, ICH9_APM_CNT, 1, &Command);
  if (Command != 0x${value.toString(16)}) {
    return EFI_WARN_INTERRUPT_SOURCE_QUIESCED;
  }
  mCalls++;
  ${body}
}

EFI_STATUS
EFIAPI
${name}Entry (
  IN EFI_HANDLE        ImageHandle,
  IN EFI_SYSTEM_TABLE  *SystemTable
  )
{
  return gSmst->SmiHandlerRegister (${name}Handler, NULL, &mDispatchHandle);
}
`;
}

/** A Session whose `load` reads `files`. */
export function sessionWith(files: Record<string, string>, cpus = 2): Session {
  const s = Session.create({ cpus });
  s.workspace = { read: (p) => files[p] ?? null, list: () => Object.keys(files) };
  return s;
}

/** Runs console lines; throws with the output when one fails (unless it is expected to). */
export function run(s: Session, line: string, expectError = false): string[] {
  const r = s.exec(line);
  while (s.busy()) r.lines.push(...s.runSlice(1_000_000).lines);
  if (r.error !== expectError) throw new Error(`${line}: ${r.error ? 'failed' : 'succeeded'}:\n${r.lines.join('\n')}`);
  return r.lines;
}
