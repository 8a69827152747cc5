/**
 * What SMM-C code meets when it goes wrong, as OVMF behaves (smm-c-facts §4): before the SMM page
 * table is locked a NULL write lands in physical page 0; after it a #PF with SmiPFHandler's message
 * on the debug port, DumpCpuContext on COM1, and the CPU dead-loops at the C line; #DE likewise;
 * ASSERT prints DebugAssert's text (§3.2); an endless loop spends the per-SMI budget; a call
 * through a corrupted pointer faults.
 */
import { describe, expect, it } from 'vitest';
import { readBytes } from '../machine/Memory';
import { moduleInf, rootHandlerModule, run, sessionWith } from '../console/SourceTestKit';

function hung(body: string, value = 0x5a) {
  const s = sessionWith({ 'F/Faulty.inf': moduleInf('Faulty'), 'F/Faulty.c': rootHandlerModule('Faulty', value, body) });
  run(s, 'load F/Faulty.inf');
  const out = run(s, `smi 0x${value.toString(16)} --run`);
  return { s, out, log: s.m.s.serial.lines };
}

describe('SMM-C faults (smm-c-facts §4)', () => {
  it('§4.2/§4.5: before the lock a NULL write succeeds and writes physical page 0', () => {
    const src = `#include <PiSmm.h>
EFI_STATUS EFIAPI NullEntry (IN EFI_HANDLE ImageHandle, IN EFI_SYSTEM_TABLE *SystemTable)
{
  *(volatile UINT32 *)0 = 0x12345678;
  return EFI_SUCCESS;
}
`;
    const s = sessionWith({ 'N/Null.inf': moduleInf('Null', { entry: 'NullEntry', depex: 'TRUE', protocols: [] }), 'N/Null.c': src });
    run(s, 'load N/Null.inf');
    expect(s.m.s.hung).toBeNull();
    expect([...readBytes(s.m.s.mem, 0, 4)]).toEqual([0x78, 0x56, 0x34, 0x12]);
  });

  it('§4.3/§4.4: after the lock a NULL write is a #PF: the forbidden-address line on the debug port, the dump on COM1, the CPU hung at its line', () => {
    const { s, log } = hung('*(volatile UINT32 *)0 = 1;\n  return EFI_SUCCESS;');
    expect(log).toContain('Access SMM communication forbidden address (0x0)!');
    expect(log).toContain('[COM1] !!!! X64 Exception Type - 0E(#PF - Page-Fault)  CPU Apic ID - 00000000 !!!!');
    expect(log).toContain('[COM1] ExceptionData - 0000000000000002  I:0 R:0 U:0 W:1 P:0 PK:0 SS:0 SGX:0');
    expect(log.some((l) => /^\[COM1\] CR0  - 0000000080010033, CR2 - 0000000000000000, CR3 - /.test(l))).toBe(true);
    expect(log.some((l) => /^It is invoked from the instruction before IP\(0x[0-9A-F]+\) in module \(.*Faulty\.dll\)$/.test(l))).toBe(true);
    expect(s.m.s.hung).toMatchObject({ cpu: 0, module: 'Faulty', where: { file: 'Faulty.c', line: 26, fn: 'FaultyHandler' } });
  });

  it('§4.4: a division by zero is #DE: the default handler dumps to COM1 and names the image', () => {
    const { s, log } = hung('volatile UINTN Zero = 0;\n  return mCalls / Zero;');
    expect(log).toContain('[COM1] !!!! X64 Exception Type - 00(#DE - Divide Error)  CPU Apic ID - 00000000 !!!!');
    expect(log.some((l) => /^\[COM1\] !!!! Find image based on IP\(0x[0-9A-F]+\) .*Faulty\.dll \(ImageBase=[0-9A-F]{16}, EntryPoint=[0-9A-F]{16}\) !!!!$/.test(l))).toBe(true);
    expect(s.m.s.hung?.where).toMatchObject({ file: 'Faulty.c', line: 27 });
  });

  it('§3.2: ASSERT prints "ASSERT File(Line): expanded expression" on the debug port and dead-loops', () => {
    const { s, log } = hung('EFI_STATUS  Status = EFI_NOT_FOUND;\n  ASSERT_EFI_ERROR (Status);\n  return EFI_SUCCESS;');
    const at = log.indexOf('ASSERT_EFI_ERROR (Status = Not Found)');
    expect(at).toBeGreaterThan(0);
    expect(log[at - 1]).toBe('');
    expect(log[at + 1]).toBe('ASSERT Faulty.c(27): !(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)');
    expect(s.m.s.hung?.where).toMatchObject({ file: 'Faulty.c', line: 27 });
  });

  it('an endless loop spends the per-SMI budget: the CPU is shown hung at its line, and reset recovers', () => {
    const { s, out } = hung('for (;;) {\n    mCalls++;\n  }');
    expect(out.join('\n')).toMatch(/hung|CpuDeadLoop|endless loop/);
    expect(s.m.s.hung).toMatchObject({ where: { file: 'Faulty.c', fn: 'FaultyHandler' } });
    expect(s.m.s.hung!.message).toMatch(/^endless loop at Faulty\.c:2[67] \(FaultyHandler\)$/);
    run(s, 'reset');
    expect(s.m.s.hung).toBeNull();
    expect(s.m.s.modules.some((m) => m.name === 'Faulty')).toBe(true);
  });

  it('a call through a corrupted function pointer faults at the call', () => {
    const { s, log } = hung('VOID (*Fn)(VOID) = (VOID (*)(VOID))(UINTN)0x12345678;\n  Fn ();\n  return EFI_SUCCESS;');
    expect(log.some((l) => l.startsWith('[COM1] !!!! X64 Exception Type - 0E(#PF - Page-Fault)'))).toBe(true);
    expect(s.m.s.hung?.where).toMatchObject({ file: 'Faulty.c', line: 27 });
  });

  it('§5.1: unbounded recursion runs into the stack guard page: "SMM stack overflow!"', () => {
    const src = `#include <PiSmm.h>
UINTN Deep (UINTN N) { UINT8 Pad[256]; Pad[0] = (UINT8)N; return Deep (N + 1) + Pad[0]; }
EFI_STATUS EFIAPI DeepEntry (IN EFI_HANDLE ImageHandle, IN EFI_SYSTEM_TABLE *SystemTable)
{
  return (EFI_STATUS)Deep (0);
}
`;
    const s = sessionWith({ 'D/Deep.inf': moduleInf('Deep', { entry: 'DeepEntry', depex: 'gEfiSmmCpuProtocolGuid', protocols: [] }), 'D/Deep.c': src });
    run(s, 'load D/Deep.inf');
    expect(s.m.s.serial.lines).toContain('SMM stack overflow!');
    expect(s.m.s.hung?.where).toMatchObject({ file: 'Deep.c', fn: 'Deep' });
  });
});
