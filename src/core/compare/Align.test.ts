import { describe, expect, it } from 'vitest';
import { align, lcsPairs, likeness, MIN_LIKENESS } from './Align';
import { MASK_COUNT, MASK_HEX, MASK_WORD, normalise, skeleton } from './Normalize';

/** The LCS length by brute force (small inputs): the DP must find one as long. */
function lcsLength(a: string[], b: string[]): number {
  const L: number[][] = Array.from({ length: a.length + 1 }, () => new Array(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) for (let j = b.length - 1; j >= 0; j--) L[i][j] = a[i] === b[j] ? L[i + 1][j + 1] + 1 : Math.max(L[i + 1][j], L[i][j + 1]);
  return L[0][0];
}

function valid(a: string[], b: string[], pairs: [number, number][]): boolean {
  for (let k = 0; k < pairs.length; k++) {
    const [i, j] = pairs[k];
    if (a[i] !== b[j]) return false;
    if (k > 0 && (i <= pairs[k - 1][0] || j <= pairs[k - 1][1])) return false;
  }
  return true;
}

describe('compare: LCS alignment (issue: the compare view, §1.9 dispatch order)', () => {
  it('§1.9 an LCS of two driver orders: the drivers both load, in order', () => {
    const a = ['CpuIo2Smm', 'SmmLockBox', 'PiSmmCpuDxeSmm', 'FvbServicesSmm', 'VariableSmm', 'SwDispatch2Locate'];
    const b = ['CpuIo2Smm', 'SmmLockBox', 'PiSmmCpuDxeSmm', 'FvbServicesSmm', 'VariableSmm', 'CpuHotplugSmm', 'SmmFaultTolerantWriteDxe', 'RootMmiSample'];
    const p = lcsPairs(a, b);
    expect(p.map(([i]) => a[i])).toEqual(['CpuIo2Smm', 'SmmLockBox', 'PiSmmCpuDxeSmm', 'FvbServicesSmm', 'VariableSmm']);
    expect(valid(a, b, p)).toBe(true);
  });

  it('§1.9 the DP finds a longest common subsequence (checked against brute force on many small inputs)', () => {
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) % 4;
    for (let t = 0; t < 200; t++) {
      const a = Array.from({ length: rnd() * 3 + (t % 5) }, () => 'abcd'[rnd()]);
      const b = Array.from({ length: rnd() * 3 + (t % 7) }, () => 'abcd'[rnd()]);
      const p = lcsPairs(a, b);
      expect(valid(a, b, p)).toBe(true);
      expect(p.length).toBe(lcsLength(a, b));
    }
  });

  it('§1.9 too large for the table: unique anchors split it, the pieces align, and the result stays a common subsequence', () => {
    const a = Array.from({ length: 300 }, (_, i) => (i % 50 === 0 ? `anchor${i}` : `x${i % 7}`));
    const b = [...a.slice(0, 120), 'extra', ...a.slice(120)];
    const small = lcsPairs(a, b, 100); // forces the anchored split
    expect(valid(a, b, small)).toBe(true);
    expect(small.length).toBe(300); // every line of A is found in B
    expect(lcsPairs(a, b).length).toBe(300);
  });

  it('§1.9 align: same rows, changed rows paired by likeness, the rest on one side', () => {
    const a = ['start X', 'SwDispatch2Locate locate G = EFI_NOT_FOUND', 'ASSERT SwDispatch2Locate.c 42', 'end'];
    const b = ['start X', 'Register child 0x1', 'SwDispatch2Locate locate G = EFI_SUCCESS', 'end'];
    const w = (t: string) => t.split(/\W+/).filter(Boolean);
    const pairing = { wordsA: a.map(w), wordsB: b.map(w), keyA: a, keyB: b, canPair: () => true };
    expect(align(a, b, pairing)).toEqual([
      { a: 0, b: 0, same: true },
      { a: null, b: 1, same: false },
      { a: 1, b: 2, same: false },
      { a: 2, b: null, same: false },
      { a: 3, b: 3, same: true },
    ]);
    // Lines that may not pair (another kind) stay apart however alike.
    expect(align(a, b, { ...pairing, canPair: () => false }).filter((r) => r.a !== null && r.b !== null && !r.same)).toEqual([]);
    expect(likeness(w('CPU0: OUT 0xB3, 0x00 (SmmControl2 Trigger: data port)'), w('CPU0: OUT 0xB3, 0x00 (PCH SmmControl SmmTrigger: data port)'))).toBeGreaterThan(MIN_LIKENESS);
    // Without a pairing key nothing differing is paired (units and phases: a phase on one side is that side's).
    expect(align(['P', 'Q'], ['P', 'R'])).toEqual([
      { a: 0, b: 0, same: true },
      { a: 1, b: null, same: false },
      { a: null, b: 1, same: false },
    ]);
  });
});

describe('compare: what the alignment masks (§12.2 addresses, §2 statuses, §3.2 SwSmiCpuIndex)', () => {
  it('§12.2 addresses and image bases are masked, 0x.. and the bare %p / %08X forms alike', () => {
    expect(normalise('Loading SMM driver at 0x0007FF34000 EntryPoint=0x0007FF35000 SwDispatch2Locate.efi')).toBe(`Loading SMM driver at ${MASK_HEX} EntryPoint=${MASK_HEX} SwDispatch2Locate.efi`);
    expect(normalise('SMM IPL found SMRAM window 7F00F000 - 7FFFFFFF')).toBe(`SMM IPL found SMRAM window ${MASK_WORD} - ${MASK_WORD}`);
    expect(normalise('CPU[002]  APIC ID=0002  SMBASE=7EFFD000  SaveState=7F00CC00  Size=00000400')).toBe(`CPU[002]  APIC ID=0002  SMBASE=${MASK_WORD}  SaveState=${MASK_WORD}  Size=00000400`);
  });

  it('§12.2 counters that drift between platforms (SMI #N, MSR_SMI_COUNT, DXE #N) are masked', () => {
    expect(normalise('SMI #530 done: all 4 CPU(s) back in the OS')).toBe(`SMI ${MASK_COUNT} done: all 4 CPU(s) back in the OS`);
    expect(normalise('CPU2: SMM entry #526 (MSR_SMI_COUNT)')).toBe(`CPU2: SMM entry ${MASK_COUNT} (MSR_SMI_COUNT)`);
  });

  it('§2 §3.2 statuses, CPU indices, command values, GUIDs and register values are never masked', () => {
    const keep = [
      'SwDispatch2Locate: gSmst->SmmLocateProtocol(gEfiSmmSwDispatch2ProtocolGuid) = EFI_NOT_FOUND',
      'CPU0: OUT 0xB2, 0xFF (SmmControl2 Trigger: command port)',
      'SwMmiSampleHandler: SwSmiCpuIndex 2, CommandPort 0x1, DataPort 0x42',
      'InstallProtocolInterface: C2702B74-800C-4131-8746-8FB5B89CE4AC 25F0',
      'mMmCpu->ReadSaveState (Width=24, IO, CpuIndex=2) = EFI_SUCCESS',
    ];
    for (const t of keep) expect(normalise(t)).toBe(t);
    expect(normalise('CPU0: RSM: RIP=0xFFFFFFFF81E0A1B2, RAX=0x000000005A5A0042, SMBASE=0x7EFF9000')).toBe(`CPU0: RSM: RIP=${MASK_HEX}, RAX=0x000000005A5A0042, SMBASE=${MASK_HEX}`);
    expect(normalise('(saved RIP 0x000000007FEB3D23, RAX 0x0000000000000004)')).toBe(`(saved RIP ${MASK_HEX}, RAX 0x0000000000000004)`);
  });

  it('§2 the pairing key cuts before the result, so "= EFI_NOT_FOUND" pairs with "= EFI_SUCCESS, Interface .."', () => {
    expect(skeleton('X: gSmst->SmmLocateProtocol(G) = EFI_NOT_FOUND (no module installed it)')).toBe(skeleton('X: gSmst->SmmLocateProtocol(G) = EFI_SUCCESS, Interface 0x7FFE8020 from Y'));
    expect(skeleton('CPU0: OUT 0xB2, 0x00 (SmmControl2 Trigger)')).toBe(skeleton('CPU0: OUT 0xB2, 0xFF (SmmControl2 Trigger)'));
  });
});
