import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { DEBUGCON_IOBASE, DEBUGCON_READBACK } from '../machine/Debugcon';
import { ioRead, ioWrite } from '../machine/IoBus';
import { serialWrite } from '../machine/Debugcon';
import { ASSERT, ASSERT_EFI_ERROR, DEBUG, DEBUG_ERROR, DEBUG_INFO, DEBUG_TEXT_SOURCE, DEBUG_VERBOSE, PCD_DEBUG_IO_PORT, PLATFORM_DEBUG_MESSAGE_LENGTH } from './Debug';
import { CpuDeadLoop } from './Fw';
import { type Fw } from './Platform';

function fw(): Fw {
  const s = Session.create({ cpus: 2 });
  const mod = s.m.s.modules.find((r) => r.name === 'CpuHotplugSmm')!;
  return { m: s.m, mod, cpu: 0 };
}

const log = (f: Fw) => f.m.s.serial.lines;

describe('Debug: PlatformDebugLibIoPort on QEMU debugcon (§12.9)', () => {
  it('§12.9 OVMF DEBUG goes to PcdDebugIoPort 0x402; the debugcon there reads back 0xE9 (PlatformDebugLibIoPortDetect)', () => {
    const f = fw();
    expect(PCD_DEBUG_IO_PORT).toBe(0x402);
    expect(DEBUGCON_IOBASE).toBe(0x402);
    expect(ioRead(f.m, 0x402, 1).value).toBe(DEBUGCON_READBACK);
    expect(DEBUGCON_READBACK).toBe(0xe9);
    const n = log(f).length;
    DEBUG(f, DEBUG_INFO, '%a: hello 0x%x\n', 'Test', 0x2a);
    expect(log(f).slice(n)).toEqual(['Test: hello 0x2A']);
    expect(f.mod.globals.mDebugIoPortFound).toBe(true); // cached in this module's library instance
    expect(DEBUG_TEXT_SOURCE).toMatch(/edk2 c5aa7e7d .*PlatformDebugLibIoPort.*0x402/);
  });

  it('§12.9 the debugcon device collects plain OUT bytes too: `out 0x402` one byte at a time makes a log line', () => {
    const s = Session.create({ cpus: 1 });
    const n = s.m.s.serial.lines.length;
    for (const c of 'Hi\n') expect(s.exec(`out 0x402 ${c.charCodeAt(0)}`).error).toBe(false);
    expect(s.m.s.serial.lines.slice(n)).toEqual(['Hi']);
  });

  it('§12.9 bytes without a line end wait for the next write (one line, as on the real port); "\\r\\n" ends a line without a stray "\\r"', () => {
    const f = fw();
    const n = log(f).length;
    DEBUG(f, DEBUG_ERROR, 'abc');
    expect(log(f).length).toBe(n);
    DEBUG(f, DEBUG_ERROR, 'def\n');
    expect(log(f).slice(n)).toEqual(['abcdef']);
    ioWrite(f.m, 0x402, 1, 0x0d);
    ioWrite(f.m, 0x402, 1, 0x0a);
    expect(log(f).slice(n)).toEqual(['abcdef', '']);
    expect(log(f).every((l) => !l.includes('\r'))).toBe(true);
  });

  it('§12.9 PcdDebugPrintErrorLevel 0x8000004F filters DEBUG_VERBOSE; a message is cut at MAX_DEBUG_MESSAGE_LENGTH 0x200 - 1 bytes', () => {
    const f = fw();
    const n = log(f).length;
    DEBUG(f, DEBUG_VERBOSE, 'never\n');
    expect(log(f).length).toBe(n);
    DEBUG(f, DEBUG_ERROR, '%a\n', 'x'.repeat(600));
    // AsciiVSPrint stops at 511 characters: the line end is cut off too, so the line stays open.
    expect(log(f).length).toBe(n);
    expect(f.m.s.serial.partial).toBe('x'.repeat(PLATFORM_DEBUG_MESSAGE_LENGTH - 1));
  });

  it('§12.9 ASSERT prints "ASSERT <basename>(<line>): <expr>" (no [Module]) and dead-loops', () => {
    const f = fw();
    let thrown: unknown;
    try {
      ASSERT(f, false, 'Context == NULL', 'OvmfPkg/CpuHotplugSmm/CpuHotplug.c', 627);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(CpuDeadLoop);
    expect((thrown as CpuDeadLoop).module).toBe('CpuHotplugSmm');
    expect(log(f).at(-1)).toBe('ASSERT CpuHotplug.c(627): Context == NULL');
    expect(log(f).some((l) => l.includes('[CpuHotplugSmm]') || l.includes('OvmfPkg/'))).toBe(false);
    const n = log(f).length;
    ASSERT(f, true, 'TRUE', 'x.c', 1);
    expect(log(f).length).toBe(n);
  });

  it('§12.9 ASSERT_EFI_ERROR: a blank line, "ASSERT_EFI_ERROR (Status = Not Found)", then the RETURN_ERROR text of the pinned edk2', () => {
    const f = fw();
    const n = log(f).length;
    expect(() => ASSERT_EFI_ERROR(f, 'EFI_NOT_FOUND', 'SwDispatch2Locate/SwDispatch2Locate.c', 42)).toThrow(CpuDeadLoop);
    expect(log(f).slice(n)).toEqual([
      '',
      'ASSERT_EFI_ERROR (Status = Not Found)',
      'ASSERT SwDispatch2Locate.c(42): !(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)',
    ]);
  });

  it('§12.9 ASSERT_EFI_ERROR passes warnings (EFI_ERROR tests only the high bit) and names the caller\'s variable', () => {
    const f = fw();
    const n = log(f).length;
    ASSERT_EFI_ERROR(f, 'EFI_WARN_INTERRUPT_SOURCE_QUIESCED', 'a.c', 1);
    ASSERT_EFI_ERROR(f, 'EFI_SUCCESS', 'a.c', 1);
    expect(log(f).length).toBe(n);
    expect(() => ASSERT_EFI_ERROR(f, 'EFI_ACCESS_DENIED', 'MdeModulePkg/Core/PiSmmCore/PiSmmCore.c', 7, 'RetStatus')).toThrow(CpuDeadLoop);
    expect(log(f).at(-1)).toBe('ASSERT PiSmmCore.c(7): !(((RETURN_STATUS)(RetStatus)) >= 0x8000000000000000ULL)');
  });

  it('§12.9 the log keeps blank lines: "\\n" between lines is an empty line, a final "\\n" only ends the last one', () => {
    const f = fw();
    const n = log(f).length;
    serialWrite(f.m, '\n\nX\n');
    serialWrite(f.m, '');
    expect(log(f).slice(n)).toEqual(['', '', 'X']);
  });
});
