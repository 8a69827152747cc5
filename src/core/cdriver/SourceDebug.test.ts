/**
 * SMM-C source debugging through the console (issue 7 §3): load puts a module into the firmware
 * volume and reboots; line breakpoints; step over/into/out; back inside C; bt with the firmware
 * frames; locals from the SMM stack bytes (smm-c-facts §5.1); print and watch.
 */
import { describe, expect, it } from 'vitest';
import { moduleInf, rootHandlerModule, run, sessionWith } from '../console/SourceTestKit';

const HANDLER = rootHandlerModule('Probe', 0x5a, `UINT64  Rax;
  UINTN   Twice;

  Rax = 0x5A5A0000ULL | Command;
  Twice = mCalls * 2;
  DEBUG ((DEBUG_INFO, "Probe: command 0x%x, call %d\\n", Command, mCalls));
  return EFI_SUCCESS;`);

function probe() {
  return sessionWith({ 'Probe/Probe.inf': moduleInf('Probe'), 'Probe/Probe.c': HANDLER });
}

describe('SMM-C source debugging (issue 7 §3)', () => {
  it('load compiles the module, puts it into the firmware volume and reboots; the dispatcher loads it like any driver (smm-c-facts §6)', () => {
    const s = probe();
    const out = run(s, 'load Probe/Probe.inf');
    expect(out[0]).toMatch(/^loaded Probe \(Probe\.inf, Probe\.c\) into the firmware volume; reboot:/);
    expect(s.m.s.serial.lines.some((l) => /^Loading SMM driver at 0x[0-9A-F]{11} EntryPoint=0x[0-9A-F]{11} Probe\.efi$/.test(l))).toBe(true);
    expect(run(s, 'handlers').join('\n')).toContain('Probe.ProbeHandler');
    run(s, 'smi 0x5a --run');
    expect(s.m.s.serial.lines).toContain('Probe: command 0x5A, call 1');
  });

  it('a breakpoint at a line stops the SMI there; bt shows the firmware frames around the C frame', () => {
    const s = probe();
    run(s, 'load Probe/Probe.inf');
    // line 26 declares Rax: no statement there, so the breakpoint moves to line 29 (as gdb moves it)
    expect(run(s, 'break Probe.c:26')).toEqual(['breakpoint 1: Probe.c:29']);
    run(s, 'smi 0x5a');
    const hit = run(s, 'continue');
    expect(hit[0]).toBe('breakpoint 1 (Probe.c:29 (SMM-C source line)) hit:');
    expect(hit[1]).toMatch(/^\[c\] Probe\.c:29 \(ProbeHandler, CPU0\): Rax = 0x5A5A0000ULL \| Command;$/);
    const bt = run(s, 'bt');
    expect(bt[0]).toMatch(/^#0  ProbeHandler \(\) at Probe\.c:29  \[Probe\]  RIP 0x[0-9A-F]{8}$/);
    expect(bt.slice(1)).toEqual(['#1  SmiManage ()  [firmware]', '#2  SmmEntryPoint ()  [firmware]', '#3  BSPHandler ()  [firmware]', '#4  SmiRendezvous ()  [firmware]']);
  });

  it('locals are decoded from the bytes of the CPU\'s SMM stack, at addresses inside SMRAM', () => {
    const s = probe();
    run(s, 'load Probe/Probe.inf');
    run(s, 'break Probe.c:30');
    run(s, 'smi 0x5a');
    run(s, 'continue');
    const locals = run(s, 'locals');
    const cmd = locals.find((l) => /^UINT8 Command/.test(l))!;
    expect(cmd).toMatch(/= 90$/);
    const rax = locals.find((l) => /^UINT64 Rax/.test(l))!;
    expect(rax).toMatch(/= 1515847770 \(0x5A5A005A\)$/);
    const addr = Number(/@(0x[0-9A-F]+)/.exec(rax)![1]);
    const c = s.m.s.config;
    expect(addr).toBeGreaterThanOrEqual(c.tsegBase);
    expect(addr).toBeLessThan(c.tsegBase + c.tsegSize);
    // the bytes are what the panel shows: the SMRAM hex view reads the same memory
    expect(run(s, `x 0x${addr.toString(16)} 8`).join(' ')).toMatch(/5A 00 5A 5A 00 00 00 00/);
  });

  it('step over moves line by line, step into enters a called function, step out returns; back goes back statement by statement', () => {
    const src = `#include <PiSmm.h>
#include <Library/SmmServicesTableLib.h>

UINTN  mSum;

UINTN
Twice (UINTN X)
{
  return X * 2;
}

EFI_STATUS
EFIAPI
LoopEntry (IN EFI_HANDLE ImageHandle, IN EFI_SYSTEM_TABLE *SystemTable)
{
  UINTN  Index;

  for (Index = 0; Index < 3; Index++) {
    mSum += Twice (Index);
  }
  return EFI_SUCCESS;
}
`;
    const s = sessionWith({ 'L/Loop.inf': moduleInf('Loop', { entry: 'LoopEntry', depex: 'TRUE', protocols: [] }), 'L/Loop.c': src });
    run(s, 'load L/Loop.inf');
    run(s, 'break Loop.c:19');
    const hit = run(s, 'reset');
    expect(hit.join('\n')).toContain('[c] Loop.c:19 (LoopEntry, CPU0): mSum += Twice (Index);');
    expect(run(s, 'step into')[0]).toMatch(/^\[c\] Loop\.c:9 \(Twice, CPU0\): return X \* 2;$/);
    expect(run(s, 'bt').slice(0, 2).map((l) => l.split('  ')[0])).toEqual(['#0', '#1']);
    expect(run(s, 'print X')[0]).toMatch(/^\(UINTN\) 0 \(0x0\)/);
    expect(run(s, 'step out')[0]).toMatch(/^\[c\] Loop\.c:18 \(LoopEntry/);
    expect(run(s, 'step over')[0]).toMatch(/^breakpoint 1|^\[c\] Loop\.c:19/);
    expect(run(s, 'print Index')[0]).toMatch(/^\(UINTN\) 1 /);
    // back: the previous statement (the loop condition), then the one before
    expect(run(s, 'back')[0]).toMatch(/^\[c\] Loop\.c:18 /);
    expect(run(s, 'print Index')[0]).toMatch(/^\(UINTN\) 1 /);
    expect(run(s, 'back 2')[0]).toMatch(/^\[c\] Loop\.c:19 /);
    expect(run(s, 'print Index')[0]).toMatch(/^\(UINTN\) 0 /);
    expect(run(s, 'print mSum')[0]).toMatch(/^\(UINTN\) 0 /);
    run(s, 'delete 1');
    run(s, 'continue');
    expect(run(s, 'state --json').join('')).toContain('"Loop"');
  });

  it('print reads C expressions and refuses to change the machine; watch keeps one evaluated', () => {
    const s = probe();
    run(s, 'load Probe/Probe.inf');
    run(s, 'break Probe.c:31');
    run(s, 'smi 0x5a');
    run(s, 'continue');
    expect(run(s, 'print gSmst->NumberOfCpus')[0]).toMatch(/^\(UINTN\) 2 \(0x2\)/);
    expect(run(s, 'print gSmst->Hdr.Signature')[0]).toMatch(/^\(UINT64\) 1414745427 \(0x54534D53\)/); // 'SMST', smm-c-facts §1.2
    expect(run(s, 'print Twice + 1')[0]).toBe('(UINTN) 3 (0x3)');
    expect(run(s, 'print mCalls = 5', true)[0]).toBe('print: column 1: print does not change the machine: an assignment is not allowed here');
    expect(run(s, 'print Nope', true)[0]).toBe("print: column 1: use of undeclared identifier 'Nope'");
    expect(run(s, 'watch Command')).toEqual(['watch 1: Command = 90']);
    expect(s.view({ selectedCpu: 0, hexAddress: 0, hexLength: 16 }).c?.watches).toEqual([{ id: 1, expr: 'Command', type: 'UINT8', value: '90', error: false }]);
  });

  it('a module that does not compile changes nothing: the error names file:line:column with a caret, the loaded module stays', () => {
    const files: Record<string, string> = { 'Probe/Probe.inf': moduleInf('Probe'), 'Probe/Probe.c': HANDLER };
    const s = sessionWith(files);
    run(s, 'load Probe/Probe.inf');
    const before = s.m.s.modules.map((m) => m.name);
    files['Probe/Probe.c'] = HANDLER.replace('mCalls++;', 'mCalls++');
    const out = run(s, 'load Probe/Probe.inf', true);
    expect(out[0]).toBe('load: the module did not compile; nothing changed:');
    expect(out[1]).toMatch(/^Probe\.c:25:11: error: expected ';' after expression$/);
    expect(out[3]).toMatch(/^ {10}\^$/);
    expect(s.m.s.modules.map((m) => m.name)).toEqual(before);
    expect(s.cDiagnostic).toMatchObject({ file: 'Probe.c', line: 25, col: 11 });
  });

  it('a BASE_NAME the firmware volume already has is refused with a message (nothing changes)', () => {
    const s = sessionWith({ 'C/CpuIo2Smm.inf': moduleInf('CpuIo2Smm'), 'C/CpuIo2Smm.c': HANDLER.replace(/Probe/g, 'CpuIo2Smm') });
    expect(run(s, 'load C/CpuIo2Smm.inf', true)[0]).toBe('load: BASE_NAME CpuIo2Smm: the firmware volume already has a module of that name (UefiCpuPkg/CpuIo2Smm/CpuIo2Smm.inf); give yours another BASE_NAME');
  });

  it('§1.5 §5.1 paused at the ReadSaveState event of a C call, the local it fills still holds its old bytes; back to it and on, C sees the value', () => {
    const src = rootHandlerModule('Probe', 0x5a, `UINT64  Rax;
  EFI_SMM_CPU_PROTOCOL  *SmmCpu;

  Rax = 0x1234;
  gSmst->SmmLocateProtocol (&gEfiSmmCpuProtocolGuid, NULL, (VOID **)&SmmCpu);
  SmmCpu->ReadSaveState (SmmCpu, sizeof (UINT64), EFI_SMM_SAVE_STATE_REGISTER_RAX, 0, &Rax);
  return EFI_SUCCESS;`);
    const s = sessionWith({ 'P/Probe.inf': moduleInf('Probe'), 'P/Probe.c': src });
    run(s, 'load P/Probe.inf');
    run(s, 'break Probe.c:31');
    run(s, 'smi 0x5a');
    expect(run(s, 'continue')[1]).toMatch(/^\[c\] Probe\.c:31 \(ProbeHandler, CPU0\): SmmCpu->ReadSaveState/);
    expect(run(s, 'step event')).toEqual(['[handler] Probe: mMmCpu->ReadSaveState (Width=8, RAX, CpuIndex=0) = EFI_SUCCESS, 0x5A']);
    expect(run(s, 'print Rax')[0]).toMatch(/^\(UINT64\) 4660 \(0x1234\)/);
    run(s, 'step event');
    expect(run(s, 'back')).toEqual(['[handler] Probe: mMmCpu->ReadSaveState (Width=8, RAX, CpuIndex=0) = EFI_SUCCESS, 0x5A']);
    expect(run(s, 'print Rax')[0]).toMatch(/^\(UINT64\) 4660 \(0x1234\)/);
    expect(run(s, 'step into')).toEqual(['[c] Probe.c:32 (ProbeHandler, CPU0): return EFI_SUCCESS;']);
    expect(run(s, 'print Rax')[0]).toMatch(/^\(UINT64\) 90 \(0x5A\)/);
  });

  it('loaded modules stay across reset and platform until unload', () => {
    const s = probe();
    run(s, 'load Probe/Probe.inf');
    run(s, 'reset');
    expect(s.m.s.modules.some((m) => m.name === 'Probe')).toBe(true);
    run(s, 'platform ovmf --cpus 4');
    expect(s.m.s.modules.some((m) => m.name === 'Probe')).toBe(true);
    expect(run(s, 'unload probe')[0]).toBe('unloaded Probe; reboot:');
    expect(s.m.s.modules.some((m) => m.name === 'Probe')).toBe(false);
    expect(run(s, 'unload Probe', true)[0]).toBe('unload: no SMM-C module is loaded');
  });
});
