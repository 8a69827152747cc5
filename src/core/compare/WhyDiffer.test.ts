import { describe, expect, it } from 'vitest';
import type { ComparePhase, CompareRow, SideFacts, SideTrace } from './CompareTypes';
import { explain } from './WhyDiffer';

const LAYOUT = 'AMD64 (QEMU TCG, SMMRevId 0x00020064)';

function side(spec: string, facts: Partial<SideFacts> = {}, lines: string[] = []): SideTrace {
  return {
    spec,
    events: lines.length,
    facts: { modules: [], layout: LAYOUT, hung: null, ...facts },
    steps: [{ line: `platform ${spec}`, error: false, skipped: false, units: [{ key: 'u', title: 'u', segments: [{ key: 's', title: 's', items: lines.map((text) => ({ kind: 'event' as const, text, key: text })) }] }] }],
  };
}

function phase(over: Partial<ComparePhase> = {}): ComparePhase {
  return { step: 0, title: 'SMI Communicate gEfiEventDxeDispatchGuid from CPU0 · handlers', unit: 'SMI Communicate gEfiEventDxeDispatchGuid from CPU0', segment: 'handlers', first: 0, count: 1, same: false, ...over };
}

function run(row: Partial<Omit<CompareRow, 'phase' | 'same'>>, A: SideTrace, B: SideTrace, p: ComparePhase = phase(), rows?: CompareRow[]) {
  const r: CompareRow = { phase: 0, same: false, kind: 'event', ...row };
  return explain({ row: r, phase: p, rows: rows ?? [r], A, B });
}

const OVMF = 'ovmf --module SwDispatch2Locate';
const PCH = 'pch --module SwDispatch2Locate';

describe('compare: explainers (the first difference, explained)', () => {
  it('§3 a protocol located on one platform and EFI_NOT_FOUND on the other names who installs it on the other', () => {
    const B = side(PCH, {}, ['PchSmiDispatcher: gSmst->SmmInstallProtocolInterface(gEfiSmmSwDispatch2ProtocolGuid, Interface 0x7FF00000) = EFI_SUCCESS']);
    const A = side(OVMF, { hung: { module: 'SwDispatch2Locate', message: 'ASSERT SwDispatch2Locate.c(42): !(...)' } });
    const e = run(
      {
        a: 'SwDispatch2Locate: gSmst->SmmLocateProtocol(gEfiSmmSwDispatch2ProtocolGuid) = EFI_NOT_FOUND (no module installed it in the SMM protocol database)',
        b: 'SwDispatch2Locate: gSmst->SmmLocateProtocol(gEfiSmmSwDispatch2ProtocolGuid) = EFI_SUCCESS, Interface 0x7FF00000 from PchSmiDispatcher',
      },
      A,
      B,
    );
    expect(e.id).toBe('locate');
    expect(e.title).toBe('SwDispatch2Locate: gSmst->SmmLocateProtocol(gEfiSmmSwDispatch2ProtocolGuid) returns EFI_NOT_FOUND on A, EFI_SUCCESS on B');
    expect(e.text).toContain(`No driver on A (${OVMF}) installs gEfiSmmSwDispatch2ProtocolGuid`);
    expect(e.text).toContain('MdeModulePkg/Core/PiSmmCore/Locate.c, SmmLocateProtocol');
    expect(e.text).toContain(`On B (${PCH}), PchSmiDispatcher installs it`);
    expect(e.text).toContain('OvmfPkg/OvmfPkgX64.fdf');
    expect(e.text).toContain('ASSERT_EFI_ERROR');
    expect(e.cites).toEqual(['smm-facts §3', 'smm-facts §9']);
    // The producer found in the other side's trace when the row does not name it.
    const e2 = run({ a: 'M: gSmst->SmmLocateProtocol(gFooGuid) = EFI_SUCCESS', b: 'M: gSmst->SmmLocateProtocol(gFooGuid) = EFI_NOT_FOUND (no module installed it in the SMM protocol database)' }, side('a', {}, ['Foo: gSmst->SmmInstallProtocolInterface(gFooGuid, Interface 0x1000) = EFI_SUCCESS']), side('b'));
    expect(e2.text).toContain('On A (a), Foo installs it');
    expect(e2.cites).toEqual(['smm-facts §3']);
  });

  it('§1.9 a module loaded on one side only: its depex and the GUID it missed, and who installs that GUID on the other side', () => {
    const missing = { name: 'SwDispatch2Depex', fileGuid: 'C0FFEE02-5A5A-4E1D-8B2A-0123456789AB', state: 'dependent', reason: 'depex gEfiSmmSwDispatch2ProtocolGuid was FALSE at its last evaluation', missing: ['gEfiSmmSwDispatch2ProtocolGuid'] };
    const A = side('ovmf --module SwDispatch2Depex', { modules: [missing] });
    const B = side('pch --module SwDispatch2Depex', { modules: [{ ...missing, state: 'dispatched', missing: [] }] }, ['PchSmiDispatcher: gSmst->SmmInstallProtocolInterface(gEfiSmmSwDispatch2ProtocolGuid, Interface 0x7FF00000) = EFI_SUCCESS']);
    const p = phase({ only: 'b', segment: 'SMM driver dispatch: SwDispatch2Depex' });
    const e = run({ b: 'SmmDispatcher: start SwDispatch2Depex (entry point 0x7FF35000)' }, A, B, p);
    expect(e.id).toBe('module-loaded');
    expect(e.title).toBe('SwDispatch2Depex runs on B only');
    expect(e.text).toContain('its depex needs gEfiSmmSwDispatch2ProtocolGuid (installed on B by PchSmiDispatcher)');
    expect(e.text).toContain('MdeModulePkg/Core/PiSmmCore/Dispatcher.c');
    expect(e.text).toContain('discovered but not loaded');
    expect(e.cites).toEqual(['smm-facts §1.9']);
    // SmmReadyToLock's "discovered but not loaded" line on A names the same module through its FILE_GUID.
    const e2 = run({ a: 'SMM Driver C0FFEE02-5A5A-4E1D-8B2A-0123456789AB was discovered but not loaded!!' }, A, B, phase({ segment: 'handlers' }));
    expect(e2.id).toBe('module-loaded');
    expect(e2.title).toBe('SwDispatch2Depex runs on B only');
    // A module the other platform does not carry at all.
    const e3 = run({ a: 'SmmDispatcher: start RootMmiSample (entry point 0x7FF24000)' }, side('ovmf --module RootMmiSample'), side('ovmf'), phase({ only: 'a', segment: 'SMM driver dispatch: RootMmiSample' }));
    expect(e3.text).toContain('does not carry RootMmiSample');
  });

  it('§12.9 an ASSERT and a hang on one side only', () => {
    const A = side(OVMF, { hung: { module: 'SwDispatch2Locate', message: 'ASSERT SwDispatch2Locate.c(42): !(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)' } });
    const e = run({ kind: 'log', a: 'ASSERT SwDispatch2Locate.c(42): !(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)', b: 'SwDispatch->Register: Success, SwSmiInputValue = 0x1' }, A, side(PCH));
    expect(e.id).toBe('hang');
    expect(e.title).toBe('A hangs in SwDispatch2Locate (ASSERT SwDispatch2Locate.c(42))');
    expect(e.text).toContain('CpuDeadLoop');
    expect(e.text).toContain('0x2F');
    expect(e.cites).toEqual(['smm-facts §12.9']);
  });

  it('§12.1 a different SMM BSP (monarch): OVMF elects CPU0, a platform without the hook lets the first CPU in win', () => {
    const a = 'CPU0: PlatformSmmBspElection: IA32_APIC_BASE.BSP=1 -> IsBsp=TRUE (OvmfPkg/Library/SmmCpuPlatformHookLibQemu, EFI_SUCCESS); BspIndex=0 -> BSPHandler';
    const b = 'CPU2: PlatformSmmBspElection: EFI_UNSUPPORTED -> InterlockedCompareExchange32 (&BspIndex): first to check in; BspIndex=2 -> BSPHandler';
    const e = run({ a, b }, side('ovmf'), side('pch'), phase({ segment: 'rendezvous / monarch' }));
    expect(e.id).toBe('monarch');
    expect(e.title).toBe('SMM BSP (monarch): CPU0 on A, CPU2 on B');
    expect(e.text).toContain('UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c');
    expect(e.cites).toContain('smm-facts §12.1');
    // A unicast SMI from an AP on OVMF has no BSP; the phase's other rows say who the other side elected.
    const rows: CompareRow[] = [
      { phase: 0, kind: 'event', same: false, a: 'CPU2: PlatformSmmBspElection: IA32_APIC_BASE.BSP=0 -> IsBsp=FALSE; BspIndex=MAX_UINT32 -> APHandler: waits', b: 'CPU2: PlatformSmmBspElection: IA32_APIC_BASE.BSP=0 -> IsBsp=FALSE; BspIndex=MAX_UINT32 -> APHandler: waits' },
      { phase: 0, kind: 'event', same: false, b: 'CPU0: PlatformSmmBspElection: IA32_APIC_BASE.BSP=1 -> IsBsp=TRUE; BspIndex=0 -> BSPHandler' },
    ];
    const e2 = explain({ row: rows[1], phase: phase({ count: 2, segment: 'rendezvous / monarch' }), rows, A: side('ovmf --broadcast off'), B: side('ovmf') });
    expect(e2.title).toBe('SMM BSP (monarch): no CPU on A, CPU0 on B');
  });

  it('§9 a different SwSmiCpuIndex: the chipset dispatcher finds the OUT in the save state, OVMF cannot', () => {
    const e = run({ kind: 'log', a: 'SwMmiSampleHandler: SwSmiCpuIndex 0, CommandPort 0x1, DataPort 0x42', b: 'SwMmiSampleHandler: SwSmiCpuIndex 2, CommandPort 0x1, DataPort 0x42' }, side('ovmf-swdispatch'), side('pch'));
    expect(e.id).toBe('sw-cpu-index');
    expect(e.title).toBe('SwSmiCpuIndex: CPU0 on A, CPU2 on B');
    expect(e.text).toContain('PchSwSmiDispatcher');
    expect(e.cites).toEqual(['smm-facts §9', 'smm-facts §5.1', 'smm-facts §7.6']);
  });

  it('§3.3 §4.2 SmmControl2 Trigger writes 0x00 on OVMF and 0xFF on PCH for a NULL CommandPort', () => {
    const e = run(
      { a: 'CPU0: OUT 0xB2, 0x00 (SmmControl2 Trigger: command port (CommandPort NULL -> 0)) -> APM_CNT', b: 'CPU0: OUT 0xB2, 0xFF (SmmControl2 Trigger: command port (CommandPort NULL -> 0xFF)) -> APM_CNT' },
      side('ovmf'),
      side('pch'),
      phase({ segment: 'trigger' }),
    );
    expect(e.id).toBe('trigger-command');
    expect(e.title).toBe('SmmControl2 Trigger writes 0x00 to APM_CNT on A, 0xFF on B');
    expect(e.text).toContain('OvmfPkg/SmmControl2Dxe/SmmControl2Dxe.c');
    expect(e.text).toContain('SmmControlDriver.c');
    expect(e.cites).toEqual(['smm-facts §3.3', 'smm-facts §4.2']);
  });

  it('§7.4 a different save-state layout, and ReadSaveState (IO) found on one side only', () => {
    const e = run(
      { a: 'GenericSwDispatcher: mMmCpu->ReadSaveState (Width=24, IO, CpuIndex=2) = EFI_NOT_FOUND (IO_DWord (SMBASE+0xFEC0) = 0x00000000: bit 1 (valid) clear)', b: 'GenericSwDispatcher: mMmCpu->ReadSaveState (Width=24, IO, CpuIndex=2) = EFI_SUCCESS, 0xB2 (IOMisc)' },
      side('ovmf-swdispatch'),
      side('pch', { layout: 'Intel SMRAM_SAVE_STATE_MAP64 (SMMRevId 0x00030064)' }),
    );
    expect(e.id).toBe('save-state');
    expect(e.title).toBe(`save state: ${LAYOUT} on A, Intel SMRAM_SAVE_STATE_MAP64 (SMMRevId 0x00030064) on B`);
    expect(e.text).toContain('AmdMmSaveState.c');
    expect(e.text).toContain('IOMisc');
    expect(e.cites).toEqual(['smm-facts §7.4', 'smm-facts §5.1']);
  });

  it('§1.5 a handler returns another status', () => {
    const e = run({ a: 'GenericSwDispatcher.GenericSwMmiHandler returned EFI_WARN_INTERRUPT_SOURCE_QUIESCED', b: 'GenericSwDispatcher.GenericSwMmiHandler returned EFI_SUCCESS' }, side('a'), side('b'));
    expect(e.id).toBe('handler-status');
    expect(e.text).toContain('MdeModulePkg/Core/PiSmmCore/Smi.c');
    expect(e.cites).toEqual(['smm-facts §1.5']);
  });

  it('§4.4 §12.4 SMI# to every CPU on one side and to the writing CPU only on the other', () => {
    const e = run({ a: 'SMI# latched on CPU2 only (no broadcast: QEMU interrupts current_cpu)', b: 'SMI# latched on all 4 CPUs (broadcast negotiated); CPU2 takes it right after its OUT' }, side('ovmf --broadcast off'), side('ovmf'), phase({ segment: 'SMI# delivery' }));
    expect(e.id).toBe('smi-delivery');
    expect(e.text).toContain('ich9_apm_ctrl_changed');
  });

  it('§2 the same call with another status; anything else falls back to "A: ... / B: ..."', () => {
    const e = run({ a: 'X: Foo (3) = EFI_NOT_READY', b: 'X: Foo (3) = EFI_SUCCESS' }, side('a'), side('b'));
    expect(e.id).toBe('status');
    expect(e.title).toBe('EFI_NOT_READY on A, EFI_SUCCESS on B');
    const p = run({ kind: 'log', a: 'PlatformMaxCpuCountInitialization: BootCpuCount=2 MaxCpuCount=2', b: 'PlatformMaxCpuCountInitialization: BootCpuCount=4 MaxCpuCount=4' }, side('ovmf --cpus 2'), side('ovmf --cpus 4'));
    expect(p.id).toBe('plain');
    expect(p.text).toBe('A: PlatformMaxCpuCountInitialization: BootCpuCount=2 MaxCpuCount=2 / B: PlatformMaxCpuCountInitialization: BootCpuCount=4 MaxCpuCount=4');
    const only = run({ b: 'B only line' }, side('a'), side('b'));
    expect(only.title).toBe('only on B: B only line');
  });
});
