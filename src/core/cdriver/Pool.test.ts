/**
 * smm-c-facts §5.2: PiSmmCore's pool as C drivers meet it: POOL_HEADER 'sphd' before the block and
 * POOL_TAIL 'sptl' after it, bins filled by halving a page (the first 64-byte block of a fresh page is
 * page + 0xFC0, returned as page + 0xFD8, then 0xF98, 0xF58...), LIFO reuse, whole pages above 2008
 * bytes, only EfiRuntimeServicesCode/Data, and a double free ASSERTs in Pool.c.
 */
import { describe, expect, it } from 'vitest';
import { read32, read64 } from '../machine/Memory';
import { moduleInf, run, sessionWith } from '../console/SourceTestKit';
import type { Session } from '../console/Session';
import { cModuleOf } from './CRun';

const SRC = (body: string) => `#include <PiSmm.h>
#include <Library/DebugLib.h>
#include <Library/MemoryAllocationLib.h>
#include <Library/SmmServicesTableLib.h>

UINTN  mAt[8];

EFI_STATUS EFIAPI PoolEntry (IN EFI_HANDLE ImageHandle, IN EFI_SYSTEM_TABLE *SystemTable)
{
  VOID        *P;
  EFI_STATUS  Status;
${body}
  return EFI_SUCCESS;
}
`;

function load(body: string) {
  const s = sessionWith({ 'P/PoolUser.inf': moduleInf('PoolUser', { entry: 'PoolEntry', depex: 'gEfiSmmCpuProtocolGuid', protocols: [] }), 'P/PoolUser.c': SRC(body) });
  run(s, 'load P/PoolUser.inf');
  return s;
}

/** mAt[i], read from the module's .bss in SMRAM. */
function mAt(s: Session, i: number): number {
  const rec = s.m.s.modules.find((m) => m.name === 'PoolUser')!;
  const sym = cModuleOf(s.m.defs.get('PoolUser'))!.image(rec.imageBase).symbols.get('mAt')!;
  return Number(read64(s.m.s.mem, sym.address + 8 * i));
}

describe('smm-c-facts §5.2: the SMM pool C drivers allocate from', () => {
  it('a fresh page is halved down the bins: 64-byte blocks at page + 0xFD8, + 0xF98, + 0xF58; each with its POOL_HEADER and POOL_TAIL', () => {
    // 24, 16 and 1 bytes + the 40 of POOL_OVERHEAD fit 64-byte blocks; 100 bytes takes a 256-byte block
    const s = load(`  mAt[0] = (UINTN)AllocatePool (24);
  mAt[1] = (UINTN)AllocatePool (16);
  mAt[2] = (UINTN)AllocatePool (1);
  mAt[3] = (UINTN)AllocatePool (100);`);
    expect(s.m.s.hung).toBeNull();
    const at = (i: number) => mAt(s, i);
    const page = at(0) - 0xfd8;
    expect(page % 0x1000).toBe(0);
    expect([at(1) - page, at(2) - page]).toEqual([0xf98, 0xf58]);
    // the 256-byte bin kept the lower half P+0xE00 when the page was first split
    expect(at(3) - page).toBe(0xe00 + 24);
    const h = at(0) - 24;
    expect(read32(s.m.s.mem, h)).toBe(0x64687073); // 'sphd'
    expect(Number(read64(s.m.s.mem, h + 16))).toBe(64); // Size
    expect(read32(s.m.s.mem, h + 64 - 16)).toBe(0x6c747073); // 'sptl'
  });

  it('a freed block is the next one handed out for its bin (LIFO); above 2008 bytes whole pages, at page + 24', () => {
    const s = load(`  P = AllocatePool (40);
  mAt[0] = (UINTN)P;
  FreePool (P);
  mAt[1] = (UINTN)AllocatePool (40);
  mAt[2] = (UINTN)AllocatePool (5000);`);
    const at = (i: number) => mAt(s, i);
    expect(at(1)).toBe(at(0));
    expect(at(2) % 0x1000).toBe(24);
  });

  it('gSmst->SmmAllocatePool refuses boot-services data: EFI_INVALID_PARAMETER', () => {
    const s = load(`  Status = gSmst->SmmAllocatePool (EfiBootServicesData, 16, &P);
  DEBUG ((DEBUG_INFO, "SmmAllocatePool (EfiBootServicesData): %r\\n", Status));`);
    expect(s.m.s.serial.lines).toContain('SmmAllocatePool (EfiBootServicesData): Invalid Parameter');
  });

  it('a double free ASSERTs in Pool.c (line 390 at the pinned commit) and the CPU dead-loops', () => {
    const s = load(`  P = AllocatePool (40);
  FreePool (P);
  FreePool (P);`);
    expect(s.m.s.serial.lines).toContain("ASSERT Pool.c(390): FreePoolHdr->Header.Signature == ((('s') | ('p' << 8)) | ((('h') | ('d' << 8)) << 16))");
    expect(s.m.s.hung).toMatchObject({ module: 'PiSmmCore', where: { file: 'PoolUser.c', line: 15 } }); // the second FreePool
  });
});
