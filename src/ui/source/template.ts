/**
 * "New module": a small SMM-C driver to start from. A root MMI handler (registered with
 * gSmst->SmiHandlerRegister and a NULL HandlerType, so PiSmmCore's SmiManage (NULL) calls it on
 * every SMI) that reads APM_CNT (I/O port 0xB2) itself, as OVMF's CpuHotplugSmm does, and
 * answers one command value. Written for SmiScope; it follows no upstream file.
 */

import type { EditorFile } from './editorFiles';

/** The command value the template answers (`smi 0x5a`). */
export const TEMPLATE_COMMAND = 0x5a;

/** A FILE_GUID from the module's name: the same name always gets the same GUID (FNV-1a, twice). */
export function guidForName(name: string): string {
  let a = 0x811c9dc5;
  let b = 0x9747b28c;
  for (let i = 0; i < name.length; i++) {
    a = Math.imul(a ^ name.charCodeAt(i), 0x01000193) >>> 0;
    b = Math.imul(b ^ name.charCodeAt(i), 0x5bd1e995) >>> 0;
  }
  const h = (a.toString(16).padStart(8, '0') + b.toString(16).padStart(8, '0')).toUpperCase().repeat(2);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-A${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** The first free name of the form MyHandler, MyHandler2, ... (no .c or .inf of that name in the editor). */
export function freeModuleName(taken: readonly string[], stem = 'MyHandler'): string {
  const names = new Set(taken.map((n) => n.toLowerCase()));
  for (let i = 1; ; i++) {
    const name = i === 1 ? stem : `${stem}${i}`;
    if (!names.has(`${name}.c`.toLowerCase()) && !names.has(`${name}.inf`.toLowerCase())) return name;
  }
}

function infText(name: string): string {
  return `## @file
#  ${name}: a root MMI handler that answers command 0x${TEMPLATE_COMMAND.toString(16).toUpperCase()} written to APM_CNT (0xB2).
#  (SmiScope's "New module" template.)
##

[Defines]
  INF_VERSION    = 0x00010005
  BASE_NAME      = ${name}
  FILE_GUID      = ${guidForName(name)}
  MODULE_TYPE    = DXE_SMM_DRIVER
  ENTRY_POINT    = ${name}Entry

[Sources]
  ${name}.c

[Protocols]
  gEfiSmmCpuProtocolGuid      ## CONSUMES

[Depex]
  # SmmIo in the SMST needs PiSmmCpuDxeSmm's CPU I/O protocol; WriteSaveState needs EFI_SMM_CPU_PROTOCOL.
  gEfiMmCpuIoProtocolGuid AND gEfiSmmCpuProtocolGuid
`;
}

function cText(name: string): string {
  const cmd = `0x${TEMPLATE_COMMAND.toString(16).toUpperCase()}`;
  return `/** @file
  ${name}: a root MMI handler for software SMI command ${cmd}.

  PiSmmCore's SmiManage (NULL) calls every root MMI handler on every SMI, so the handler
  first reads APM_CNT (0xB2) through gSmst->SmmIo and steps aside (QUIESCED) unless the
  OS wrote ${cmd}. Try: set a breakpoint in the handler (click the gutter), then
  \`smi ${cmd.toLowerCase()} 0x07\` in the terminal.
**/

#include <PiSmm.h>
#include <Library/DebugLib.h>
#include <Library/SmmServicesTableLib.h>
#include <Protocol/SmmCpu.h>
#include <IndustryStandard/Q35MchIch9.h>

#define MY_COMMAND  ${cmd}

EFI_SMM_CPU_PROTOCOL  *mSmmCpu;
EFI_HANDLE            mDispatchHandle;
UINT32                mCalls;

EFI_STATUS
EFIAPI
${name} (
  IN EFI_HANDLE  DispatchHandle,
  IN CONST VOID  *Context         OPTIONAL,
  IN OUT VOID    *CommBuffer      OPTIONAL,
  IN OUT UINTN   *CommBufferSize  OPTIONAL
  )
{
  EFI_STATUS  Status;
  UINT8       Command;
  UINT8       Data;
  UINT64      Answer;

  Status = gSmst->SmmIo.Io.Read (&gSmst->SmmIo, SMM_IO_UINT8, ICH9_APM_CNT, 1, &Command);
  if (EFI_ERROR (Status) || (Command != MY_COMMAND)) {
    return EFI_WARN_INTERRUPT_SOURCE_QUIESCED;
  }

  //
  // Ours. The OS may pass one more byte in APM_STS (0xB3).
  //
  gSmst->SmmIo.Io.Read (&gSmst->SmmIo, SMM_IO_UINT8, ICH9_APM_STS, 1, &Data);
  mCalls++;
  Answer = 0x5A5A0000ULL | Data;

  //
  // The answer goes into the saved RAX of the CPU running this handler: the SMM BSP
  // (CPU 0 on OVMF), which is the caller only when CPU 0 wrote 0xB2.
  //
  Status = mSmmCpu->WriteSaveState (
                      mSmmCpu,
                      sizeof Answer,
                      EFI_SMM_SAVE_STATE_REGISTER_RAX,
                      gSmst->CurrentlyExecutingCpu,
                      &Answer
                      );
  DEBUG ((DEBUG_INFO, "${name}: command 0x%x data 0x%x (call %u): RAX = 0x%lx, %r\\n", Command, Data, mCalls, Answer, Status));
  return EFI_SUCCESS;
}

EFI_STATUS
EFIAPI
${name}Entry (
  IN EFI_HANDLE        ImageHandle,
  IN EFI_SYSTEM_TABLE  *SystemTable
  )
{
  EFI_STATUS  Status;

  Status = gSmst->SmmLocateProtocol (&gEfiSmmCpuProtocolGuid, NULL, (VOID **)&mSmmCpu);
  ASSERT_EFI_ERROR (Status);

  Status = gSmst->SmiHandlerRegister (${name}, NULL, &mDispatchHandle);
  DEBUG ((DEBUG_INFO, "${name}: root MMI handler for command 0x%x registered: %r\\n", MY_COMMAND, Status));
  return Status;
}
`;
}

/** The two files of a new module named `name` (not yet loaded: base null). */
export function newModuleFiles(name: string): EditorFile[] {
  return [
    { name: `${name}.c`, text: cText(name), base: null },
    { name: `${name}.inf`, text: infText(name), base: null },
  ];
}
