/**
 * The seed thread's stories with the developer's own C (issue 7 §5; smm-c-facts §1.4): on OVMF
 * nothing produces EFI_SMM_SW_DISPATCH2_PROTOCOL, so SmmLocateProtocol fails and
 * ASSERT_EFI_ERROR hangs at the module's line, and the GUID in [Depex] keeps the module from ever
 * loading; a module's own protocol of C functions is found and called by another module.
 */
import { describe, expect, it } from 'vitest';
import { moduleInf, run, sessionWith } from '../console/SourceTestKit';

const SEED = `#include <PiSmm.h>
#include <Library/DebugLib.h>
#include <Library/SmmServicesTableLib.h>
#include <Protocol/SmmSwDispatch2.h>

EFI_STATUS
EFIAPI
SeedEntry (
  IN EFI_HANDLE        ImageHandle,
  IN EFI_SYSTEM_TABLE  *SystemTable
  )
{
  EFI_STATUS                     Status;
  EFI_SMM_SW_DISPATCH2_PROTOCOL  *SwDispatch;

  Status = gSmst->SmmLocateProtocol (&gEfiSmmSwDispatch2ProtocolGuid, NULL, (VOID **)&SwDispatch);
  DEBUG ((DEBUG_INFO, "SmmSwDispatch2Protocol Status: 0x%x\\n", Status));
  ASSERT_EFI_ERROR (Status);
  return EFI_SUCCESS;
}
`;

describe('the seed thread in SMM-C (smm-c-facts §1.4)', () => {
  it('SmmLocateProtocol (&gEfiSmmSwDispatch2ProtocolGuid) is EFI_NOT_FOUND: the DEBUG line prints 0xE, ASSERT_EFI_ERROR hangs at its line', () => {
    const s = sessionWith({ 'S/Seed.inf': moduleInf('Seed', { entry: 'SeedEntry', depex: 'gEfiSmmCpuProtocolGuid', protocols: ['gEfiSmmSwDispatch2ProtocolGuid'] }), 'S/Seed.c': SEED });
    run(s, 'load S/Seed.inf');
    const log = s.m.s.serial.lines;
    expect(log).toContain('SmmSwDispatch2Protocol Status: 0xE'); // %x of EFI_NOT_FOUND takes the low 32 bits (§3.1)
    expect(log).toContain('ASSERT_EFI_ERROR (Status = Not Found)');
    expect(log).toContain('ASSERT Seed.c(18): !(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)');
    expect(s.m.s.hung).toMatchObject({ module: 'Seed', where: { file: 'Seed.c', line: 18, fn: 'SeedEntry' } });
    expect(s.m.s.stage).not.toBe('os');
  });

  it('the GUID in [Depex]: the dispatcher never loads the module and names the GUID it waits for', () => {
    const s = sessionWith({ 'S/Seed.inf': moduleInf('Seed', { entry: 'SeedEntry', depex: 'gEfiSmmSwDispatch2ProtocolGuid', protocols: ['gEfiSmmSwDispatch2ProtocolGuid'] }), 'S/Seed.c': SEED });
    run(s, 'load S/Seed.inf');
    const rec = s.m.s.modules.find((m) => m.name === 'Seed')!;
    expect(rec.state).toBe('dependent');
    expect(run(s, 'modules').join('\n')).toMatch(/Seed.*gEfiSmmSwDispatch2ProtocolGuid/);
    expect(s.m.s.serial.lines.some((l) => l.startsWith('SMM Driver 5B3C1E2A-1111-4222-8333-9444555566AA was discovered but not loaded!!'))).toBe(true);
  });

  it('a GUID the .inf does not list is an undefined reference, as AutoGen.c defines only the listed ones', () => {
    const s = sessionWith({ 'S/Seed.inf': moduleInf('Seed', { entry: 'SeedEntry', protocols: [] }), 'S/Seed.c': SEED });
    const out = run(s, 'load S/Seed.inf', true);
    expect(out.join('\n')).toContain("undefined reference to 'gEfiSmmSwDispatch2ProtocolGuid': list it under [Protocols] or [Guids] in Seed.inf");
  });

  it('load FILE.c alone: SmiScope writes the .inf (BASE_NAME from the file, the entry point that takes ImageHandle and SystemTable)', () => {
    const s = sessionWith({ 'Hi.c': '#include <PiSmm.h>\n#include <Library/DebugLib.h>\nEFI_STATUS EFIAPI HiMain (IN EFI_HANDLE ImageHandle, IN EFI_SYSTEM_TABLE *SystemTable)\n{\n  DEBUG ((DEBUG_INFO, "hi\\n"));\n  return EFI_SUCCESS;\n}\n' });
    expect(run(s, 'load Hi.c')[0]).toBe('loaded Hi (Hi.inf, Hi.c) into the firmware volume; reboot:');
    expect(s.m.s.serial.lines).toContain('hi');
  });

  it('a module installs a protocol of its own C functions; another module locates it and calls them', () => {
    const proto = `#include <PiSmm.h>
typedef struct { UINTN (EFIAPI *Add)(UINTN A, UINTN B); UINTN Calls; } ADDER_PROTOCOL;
EFI_GUID  gAdderProtocolGuid = { 0x11112222, 0x3333, 0x4444, { 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, 0xCC } };
`;
    const a = `#include "Adder.h"
#include <Library/SmmServicesTableLib.h>
UINTN EFIAPI AdderAdd (UINTN A, UINTN B) { return A + B; }
ADDER_PROTOCOL  mAdder = { AdderAdd, 0 };
EFI_STATUS EFIAPI AdderEntry (IN EFI_HANDLE ImageHandle, IN EFI_SYSTEM_TABLE *SystemTable)
{
  EFI_HANDLE  Handle = NULL;
  return gSmst->SmmInstallProtocolInterface (&Handle, &gAdderProtocolGuid, EFI_NATIVE_INTERFACE, &mAdder);
}
`;
    const b = `#include "Adder.h"
#include <Library/DebugLib.h>
#include <Library/SmmServicesTableLib.h>
EFI_STATUS EFIAPI UserEntry (IN EFI_HANDLE ImageHandle, IN EFI_SYSTEM_TABLE *SystemTable)
{
  ADDER_PROTOCOL  *Adder;
  EFI_STATUS      Status;
  Status = gSmst->SmmLocateProtocol (&gAdderProtocolGuid, NULL, (VOID **)&Adder);
  DEBUG ((DEBUG_INFO, "Locate: %r, 40 + 2 = %d\\n", Status, EFI_ERROR (Status) ? 0 : Adder->Add (40, 2)));
  return EFI_SUCCESS;
}
`;
    const s = sessionWith({
      'A/Adder.inf': moduleInf('Adder', { entry: 'AdderEntry', depex: 'TRUE', protocols: [], sources: ['Adder.c', 'Adder.h'] }),
      'A/Adder.c': a,
      'A/Adder.h': proto,
      'U/User.inf': moduleInf('User', { entry: 'UserEntry', depex: 'TRUE', protocols: [], sources: ['User.c', 'Adder.h'] }),
      'U/User.c': b,
      'U/Adder.h': proto,
    });
    run(s, 'load A/Adder.inf');
    run(s, 'load U/User.inf');
    expect(s.m.s.serial.lines).toContain('Locate: Success, 40 + 2 = 42');
  });
});
