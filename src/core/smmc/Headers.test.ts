/**
 * The shipped headers (src/core/smmc/include) checked by a real C compiler: gcc lays out every
 * structure of smm-c-facts §1 and must find the sizes, offsets and member prototypes the facts
 * give (they were measured with the real edk2 headers); the §2.2 macros must have the facts'
 * values, and `gcc -E` must turn ASSERT into the facts' description strings. gcc is required:
 * without it these tests fail (a header change must not go unchecked).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LAYOUT_FACTS, TYPE_FACTS, VALUE_FACTS } from './HeaderFacts';

const INCLUDE = join(dirname(fileURLToPath(import.meta.url)), 'include');
const TMP = mkdtempSync(join(tmpdir(), 'smmc-headers-'));
afterAll(() => rmSync(TMP, { recursive: true, force: true }));

/** Flags of an edk2 X64 gcc build, with only our headers on the include path. */
const BASE_FLAGS = ['-nostdinc', '-I', INCLUDE, '-fshort-wchar', '-m64'];

/** One `_Static_assert`: its test (group), what it says, the C expression. */
interface Check {
  group: string;
  what: string;
  expr: string;
}

const LAYOUTS: Check[] = LAYOUT_FACTS.flatMap((f) => {
  const group = `smm-c-facts ${f.section}: ${f.type} is ${f.size} bytes${f.align ? `, aligned ${f.align}` : ''}, members at the facts' offsets`;
  const checks: Check[] = [{ group, what: `sizeof (${f.type}) == ${f.size}`, expr: `sizeof (${f.type}) == ${f.size}` }];
  if (f.align) checks.push({ group, what: `_Alignof (${f.type}) == ${f.align}`, expr: `_Alignof (${f.type}) == ${f.align}` });
  for (const [m, off] of Object.entries(f.offsets)) {
    checks.push({ group, what: `${f.type}.${m} at ${off}`, expr: `__builtin_offsetof (${f.type}, ${m}) == ${off}` });
  }
  return checks;
});

const PROTOTYPES: Check[] = TYPE_FACTS.map((f) => {
  let of: string;
  let owner: string;
  if (f.subject.startsWith('typedef ')) {
    of = f.subject.slice(8);
    owner = 'typedefs';
  } else if (f.subject.includes('.')) {
    const [type, ...path] = f.subject.split('.');
    of = `__typeof__ (((${type} *)0)->${path.join('.')})`;
    owner = type;
  } else {
    of = f.type.includes('(*)') ? `__typeof__ (&${f.subject})` : `__typeof__ (${f.subject})`;
    owner = 'library functions and globals';
  }
  return { group: `smm-c-facts ${f.section}: ${owner}`, what: `${f.subject} is ${f.type}`, expr: `__builtin_types_compatible_p (${of}, ${f.type})` };
});

const VALUES: Check[] = VALUE_FACTS.map((f) => ({
  group: `smm-c-facts ${f.section}: ${f.group}`,
  what: `${f.expr} == ${f.value}`,
  expr: `(${f.expr}) == (${f.value})`,
}));

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

let gccChecked = false;
/** Runs gcc on `source` (written to TMP/file); fails the test with a clear message when gcc is missing. */
function gcc(file: string, source: string, flags: string[]): Run {
  if (!gccChecked) {
    const v = spawnSync('gcc', ['--version'], { encoding: 'utf8' });
    if (v.error || v.status !== 0) {
      throw new Error('gcc is not on PATH: the shipped-header checks need gcc (12 or later) to compile the headers');
    }
    gccChecked = true;
  }
  const path = join(TMP, file);
  writeFileSync(path, source);
  const r = spawnSync('gcc', [...BASE_FLAGS, ...flags, path], { encoding: 'utf8', cwd: TMP });
  return { status: r.status ?? -1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/**
 * One C file of `_Static_assert`s, one per check and one check per line, compiled once; a gcc
 * error on a check's line belongs to that check, an error anywhere else belongs to every check.
 */
function staticChecks(file: string, prelude: string, checks: Check[]): (group: string) => string[] {
  let errors: Map<number, string[]> | null = null;
  const firstLine = prelude.split('\n').length + 1;
  const source = prelude + '\n' + checks.map((c) => `_Static_assert (${c.expr}, ${JSON.stringify(c.what)});`).join('\n') + '\n';
  return (group: string) => {
    if (!errors) {
      // errors inside a macro are reported where the macro is used (the check's line)
      const r = gcc(file, source, ['-std=gnu11', '-fsyntax-only', '-Wall', '-Werror', '-ftrack-macro-expansion=0']);
      errors = new Map();
      for (const m of r.stderr.matchAll(/^(.*?):(\d+):\d+: error: (.*)$/gm)) {
        const line = m[1].endsWith(file) ? Number(m[2]) : 0;
        errors.set(line, [...(errors.get(line) ?? []), `${m[1].replace(INCLUDE, 'include')}:${m[2]}: ${m[3]}`]);
      }
      if (r.status !== 0 && errors.size === 0) errors.set(0, [r.stderr || `gcc exited with ${r.status}`]);
    }
    const out = [...(errors.get(0) ?? [])];
    checks.forEach((c, i) => {
      if (c.group === group) for (const e of errors!.get(firstLine + i) ?? []) out.push(`${c.what}: ${e}`);
    });
    return out;
  };
}

const ALL_SMM = ['PiSmm.h', 'PiMm.h', 'Library/SmmServicesTableLib.h', 'Library/MmServicesTableLib.h',
  'Library/UefiBootServicesTableLib.h', 'Library/DebugLib.h', 'Library/BaseLib.h', 'Library/BaseMemoryLib.h',
  'Library/IoLib.h', 'Library/MemoryAllocationLib.h', 'Library/SmmMemLib.h', 'Library/PcdLib.h', 'Library/PrintLib.h',
  'Protocol/SmmSwDispatch2.h', 'Protocol/SmmCpu.h', 'Protocol/SmmCpuIo2.h', 'Protocol/SmmCommunication.h',
  'Protocol/SmmBase2.h', 'Protocol/SmmReadyToLock.h', 'Protocol/SmmEndOfDxe.h', 'Protocol/LoadedImage.h',
  'Protocol/SmmPeriodicTimerDispatch2.h', 'Protocol/SmmSxDispatch2.h', 'Protocol/SmmControl2.h', 'Protocol/SmmAccess2.h',
  'Protocol/MmCommunication2.h', 'Protocol/DxeSmmReadyToLock.h', 'Guid/EventGroup.h', 'IndustryStandard/Q35MchIch9.h'];
const PRELUDE = ALL_SMM.map((h) => `#include <${h}>`).join('\n');

describe('smm-c-facts §1 (gcc): structure layouts of the shipped headers', () => {
  const errorsOf = staticChecks('layouts.c', PRELUDE, LAYOUTS);
  for (const group of [...new Set(LAYOUTS.map((c) => c.group))]) {
    it(group, () => expect(errorsOf(group)).toEqual([]));
  }
});

describe('smm-c-facts §1-§2.1 (gcc): member and library prototypes, in parameter order', () => {
  const errorsOf = staticChecks('prototypes.c', PRELUDE, PROTOTYPES);
  for (const group of [...new Set(PROTOTYPES.map((c) => c.group))]) {
    it(group, () => expect(errorsOf(group)).toEqual([]));
  }
});

describe('smm-c-facts §0, §1, §2.2, §3.3 (gcc): macro, enum and PCD values', () => {
  const errorsOf = staticChecks('values.c', PRELUDE, VALUES);
  for (const group of [...new Set(VALUES.map((c) => c.group))]) {
    it(group, () => expect(errorsOf(group)).toEqual([]));
  }

  it('the checker fails on a wrong fact (a check that cannot fail proves nothing)', () => {
    const wrong: Check[] = [
      { group: 'w', what: 'SMST size', expr: 'sizeof (EFI_SMM_SYSTEM_TABLE2) == 232' },
      { group: 'w', what: 'no such member', expr: 'OFFSET_OF (EFI_SMM_SYSTEM_TABLE2, SmmIoX) == 48' },
      { group: 'ok', what: 'right', expr: 'sizeof (EFI_SMM_SYSTEM_TABLE2) == 240' },
    ];
    const errorsOf = staticChecks('wrong.c', PRELUDE, wrong);
    const errs = errorsOf('w');
    expect(errs[0]).toMatch(/^SMST size: .*static assertion failed/);
    expect(errs.slice(1).length).toBeGreaterThan(0);
    expect(errs.slice(1).every((e) => e.startsWith('no such member: '))).toBe(true);
    expect(errs.some((e) => e.includes('SmmIoX'))).toBe(true);
    expect(errorsOf('ok')).toEqual([]);
  });
});

/** The DebugAssert calls of gcc -E output: [file, line, description] with the C string quotes removed. */
function assertsOf(pre: string): string[][] {
  return [...pre.matchAll(/DebugAssert \("((?:[^"\\]|\\.)*)", (\d+), "((?:[^"\\]|\\.)*)"\)/g)].map((m) => [m[1], m[2], m[3]]);
}

describe('smm-c-facts §2.2, §3.2 (gcc -E): what ASSERT passes to DebugAssert', () => {
  const driver = [
    '#include <Uefi.h>',
    '#include <Library/DebugLib.h>',
    'VOID F (VOID *Buffer, EFI_STATUS Status, UINTN Size) {',
    '  ASSERT (Buffer != NULL);',
    '  ASSERT (FALSE);',
    '  ASSERT_EFI_ERROR (Status);',
    '  ASSERT (Size < SIZE_4KB);',
    "  ASSERT (Size == SIGNATURE_32 ('s', 'p', 'h', 'd'));",
    '  ASSERT_RETURN_ERROR (Status);',
    '  DEBUG ((DEBUG_INFO, "Size %d\\n", Size));',
    '}',
  ].join('\n');
  let pre = '';
  const preprocess = () => {
    if (!pre) {
      const r = gcc('MyDrv.c', driver, ['-E', '-P']);
      expect(r.stderr).toBe('');
      pre = r.stdout.slice(r.stdout.indexOf('VOID F') >= 0 ? r.stdout.indexOf('void F') : 0);
    }
    return pre;
  };

  it('§2.2: the expression text is the macro-expanded expression (_ASSERT hands E on to another macro)', () => {
    const a = assertsOf(preprocess());
    expect(a[0]).toEqual(['MyDrv.c', '4', 'Buffer != ((void *) 0)']);
    expect(a[1]).toEqual(['MyDrv.c', '5', '((BOOLEAN)(0==1))']);
    expect(a[3]).toEqual(['MyDrv.c', '7', 'Size < 0x00001000']);
    expect(a[4][2]).toBe("Size == ((('s') | ('p' << 8)) | ((('h') | ('d' << 8)) << 16))");
  });

  it('§2.2/§3.2: ASSERT_EFI_ERROR (Status) prints "\\nASSERT_EFI_ERROR (Status = %r)\\n" then asserts on the HEAD RETURN_ERROR text', () => {
    const p = preprocess();
    const a = assertsOf(p);
    expect(a[2]).toEqual(['MyDrv.c', '6', '!(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)']);
    expect(a[5]).toEqual(['MyDrv.c', '9', '!(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)']);
    // The whole statement: the DEBUG first, then the assert, both under DebugAssertEnabled () and EFI_ERROR.
    const line = p.split('\n').find((l) => l.includes('ASSERT_EFI_ERROR (Status = %r)'))!.trim();
    expect(line).toBe(
      'do { if (DebugAssertEnabled ()) { if ((((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)) { ' +
        'do { if (DebugPrintEnabled ()) { do { if (DebugPrintLevelEnabled (0x80000000)) { ' +
        'DebugPrint (0x80000000, "\\nASSERT_EFI_ERROR (Status = %r)\\n", Status); } } while (((BOOLEAN)(0==1))); } } while (((BOOLEAN)(0==1))); ' +
        'DebugAssert ("MyDrv.c", 6, "!(((RETURN_STATUS)(Status)) >= 0x8000000000000000ULL)"); } } } while (((BOOLEAN)(0==1)));',
    );
    expect(p).toContain('DebugPrint (0x80000000, "\\nASSERT_RETURN_ERROR (Status = %r)\\n", Status)');
  });

  it('§2.2 (HEAD): the file name is __FILE_NAME__, the base name, though gcc was given an absolute path', () => {
    for (const [file] of assertsOf(preprocess())) expect(file).toBe('MyDrv.c');
  });

  it('§2.2: ASSERT is `if (DebugAssertEnabled ()) { if (!(E)) { _ASSERT (E); } }` and DEBUG tests DebugPrintEnabled, then the level', () => {
    const p = preprocess().replace(/\s+/g, ' ');
    expect(p).toContain('do { if (DebugAssertEnabled ()) { if (!(Buffer != ((void *) 0))) { DebugAssert ("MyDrv.c", 4, "Buffer != ((void *) 0)");');
    expect(p).toContain('do { if (DebugPrintEnabled ()) { do { if (DebugPrintLevelEnabled (0x00000040)) { DebugPrint (0x00000040, "Size %d\\n", Size); } } while (((BOOLEAN)(0==1))); } } while (((BOOLEAN)(0==1)));');
  });

  it('§2.2: CR asserts "CR has Bad Signature" and still returns the record; DEBUG_CODE runs under DebugCodeEnabled', () => {
    const src = [
      '#include <Uefi.h>',
      '#include <Library/DebugLib.h>',
      'typedef struct { UINT32 Signature; LIST_ENTRY Link; } REC;',
      "REC *G (LIST_ENTRY *L, UINTN *N) { DEBUG_CODE ((*N)++;); return CR (L, REC, Link, SIGNATURE_32 ('r', 'e', 'c', 'd')); }",
    ].join('\n');
    const r = gcc('Cr.c', src, ['-E', '-P']);
    expect(r.stderr).toBe('');
    const p = r.stdout.replace(/\s+/g, ' ');
    expect(p).toContain('(REC *) (DebugAssert ("Cr.c", 4, "CR has Bad Signature"), L)');
    expect(p).toContain('if (DebugCodeEnabled ()) { do { } while (((BOOLEAN)(0==1))); (*N)++; } } while (((BOOLEAN)(0==1)))');
    expect(gcc('Cr2.c', src, ['-std=c99', '-pedantic-errors', '-fsyntax-only', '-Wall', '-Werror']).stderr).toBe('');
  });

  it('§2.2: with MDEPKG_NDEBUG (OVMF RELEASE) ASSERT, ASSERT_EFI_ERROR and DEBUG compile to `if (FALSE)` dead code', () => {
    const r = gcc('Rel.c', driver, ['-E', '-P', '-DMDEPKG_NDEBUG']);
    expect(r.stderr).toBe('');
    const body = r.stdout.slice(r.stdout.indexOf('void F'));
    const lines = body.split('\n').slice(1, 8).map((l) => l.trim());
    expect(lines).toHaveLength(7);
    for (const l of lines) expect(l.startsWith('do { if (((BOOLEAN)(0==1))) { ')).toBe(true);
    expect(body).not.toMatch(/DebugAssert \(|DebugAssertEnabled|DebugPrintEnabled/);
    expect(lines[0]).toBe('do { if (((BOOLEAN)(0==1))) { (void) (Buffer != ((void *) 0)); } } while (((BOOLEAN)(0==1)));');
  });
});

describe('smm-c-facts §1.4, §2.1 (gcc): the headers take real driver code in strict C99', () => {
  const C99 = ['-std=c99', '-pedantic-errors', '-fsyntax-only', '-Wall', '-Wextra', '-Wstrict-prototypes', '-Werror'];

  it('every shipped header compiles on its own (it includes what it needs)', () => {
    const names = ALL_SMM.concat(['Uefi.h', 'Base.h', 'Uefi/UefiBaseType.h', 'Uefi/UefiSpec.h', 'Uefi/UefiMultiPhase.h',
      'Pi/PiSmmCis.h', 'Pi/PiMmCis.h', 'Pi/PiMultiPhase.h', 'X64/ProcessorBind.h', 'Protocol/MmSwDispatch.h',
      'Protocol/MmCpu.h', 'Protocol/MmCpuIo.h', 'Protocol/MmCommunication.h', 'Protocol/MmBase.h']);
    const bad: string[] = [];
    names.forEach((h, i) => {
      const r = gcc(`alone${i}.c`, `#include <${h}>\n#include <${h}>\nextern int Dummy${i};\n`, C99);
      if (r.status !== 0) bad.push(`${h}: ${r.stderr}`);
    });
    expect(bad).toEqual([]);
  });

  it('§1.4: an OVMF-style root MMI handler for APM value 0x04 (CpuHotplugSmm shape) compiles', () => {
    const src = `#include <PiMm.h>
#include <IndustryStandard/Q35MchIch9.h>
#include <Library/DebugLib.h>
#include <Library/MmServicesTableLib.h>
STATIC EFI_HANDLE mDispatchHandle;
EFI_STATUS EFIAPI MyMmi (IN EFI_HANDLE DispatchHandle, IN CONST VOID *Context OPTIONAL,
                         IN OUT VOID *CommBuffer OPTIONAL, IN OUT UINTN *CommBufferSize OPTIONAL) {
  EFI_STATUS Status;
  UINT8      ApmControl;
  (VOID)DispatchHandle; (VOID)Context; (VOID)CommBuffer; (VOID)CommBufferSize;
  Status = gMmst->MmIo.Io.Read (&gMmst->MmIo, MM_IO_UINT8, ICH9_APM_CNT, 1, &ApmControl);
  if (EFI_ERROR (Status)) {
    DEBUG ((DEBUG_ERROR, "%a: failed to read ICH9_APM_CNT: %r\\n", __func__, Status));
    return EFI_WARN_INTERRUPT_SOURCE_QUIESCED;
  }
  if (ApmControl != ICH9_APM_CNT_CPU_HOTPLUG) {
    return EFI_WARN_INTERRUPT_SOURCE_QUIESCED;
  }
  DEBUG ((DEBUG_INFO, "CPU %Lu handled SMI 0x%x\\n", (UINT64)gMmst->CurrentlyExecutingCpu, ApmControl));
  return EFI_SUCCESS;
}
EFI_STATUS EFIAPI MyEntry (IN EFI_HANDLE ImageHandle, IN EFI_MM_SYSTEM_TABLE *SystemTable) {
  EFI_STATUS Status;
  (VOID)ImageHandle; (VOID)SystemTable;
  Status = gMmst->MmiHandlerRegister (MyMmi, NULL, &mDispatchHandle);
  ASSERT_EFI_ERROR (Status);
  return Status;
}
`;
    expect(gcc('RootMmi.c', src, C99).stderr).toBe('');
  });

  it('§1.4/§1.5/§1.6/§2.1: SwDispatch2, the CPU protocol, a communicate handler and the libraries compile as drivers use them', () => {
    const src = `#include <PiSmm.h>
#include <Protocol/SmmSwDispatch2.h>
#include <Protocol/SmmCpu.h>
#include <Protocol/SmmCommunication.h>
#include <Protocol/SmmReadyToLock.h>
#include <Protocol/LoadedImage.h>
#include <Library/SmmServicesTableLib.h>
#include <Library/UefiBootServicesTableLib.h>
#include <Library/DebugLib.h>
#include <Library/BaseLib.h>
#include <Library/BaseMemoryLib.h>
#include <Library/MemoryAllocationLib.h>
#include <Library/SmmMemLib.h>
#include <Library/IoLib.h>
#include <Library/PcdLib.h>
#include <Library/PrintLib.h>
typedef struct { UINT32 Signature; LIST_ENTRY Link; UINTN Value; } MY_RECORD;
#define MY_RECORD_SIGNATURE  SIGNATURE_32 ('M', 'Y', 'R', 'C')
STATIC LIST_ENTRY  mRecords = INITIALIZE_LIST_HEAD_VARIABLE (mRecords);
STATIC EFI_SMM_CPU_PROTOCOL *mSmmCpu;
STATIC CHAR16 *mName = L"MySmm";
EFI_STATUS EFIAPI SwHandler (IN EFI_HANDLE H, IN CONST VOID *Context, IN OUT VOID *CommBuffer, IN OUT UINTN *Size) {
  EFI_SMM_SW_CONTEXT          *Sw = (EFI_SMM_SW_CONTEXT *)CommBuffer;
  EFI_SMM_SAVE_STATE_IO_INFO  Io;
  UINT64                      Rax;
  CHAR8                       Text[64];
  (VOID)H; (VOID)Size;
  ASSERT (((CONST EFI_SMM_SW_REGISTER_CONTEXT *)Context)->SwSmiInputValue == 0x5A);
  mSmmCpu->ReadSaveState (mSmmCpu, sizeof (Io), EFI_SMM_SAVE_STATE_REGISTER_IO, Sw->SwSmiCpuIndex, &Io);
  mSmmCpu->ReadSaveState (mSmmCpu, sizeof (Rax), EFI_SMM_SAVE_STATE_REGISTER_RAX, Sw->SwSmiCpuIndex, &Rax);
  AsciiSPrint (Text, sizeof (Text), "port %x value %lx", Io.IoPort, Rax);
  IoWrite8 (ICH9_APM_STS_PORT, IoRead8 (0xB3));
  return EFI_SUCCESS;
}
EFI_STATUS EFIAPI CommHandler (IN EFI_HANDLE H, IN CONST VOID *Context, IN OUT VOID *CommBuffer, IN OUT UINTN *Size) {
  MY_RECORD   *Rec;
  LIST_ENTRY  *Node;
  (VOID)H; (VOID)Context;
  if (CommBuffer == NULL || Size == NULL || !SmmIsBufferOutsideSmmValid ((UINTN)CommBuffer, *Size)) {
    return EFI_ACCESS_DENIED;
  }
  Rec = AllocateZeroPool (sizeof (*Rec));
  if (Rec == NULL) return EFI_OUT_OF_RESOURCES;
  Rec->Signature = MY_RECORD_SIGNATURE;
  CopyMem (&Rec->Value, CommBuffer, MIN (*Size, sizeof (Rec->Value)));
  InsertTailList (&mRecords, &Rec->Link);
  for (Node = GetFirstNode (&mRecords); !IsNull (&mRecords, Node); Node = GetNextNode (&mRecords, Node)) {
    Rec = CR (Node, MY_RECORD, Link, MY_RECORD_SIGNATURE);
    DEBUG ((DEBUG_VERBOSE, "%s %lu\\n", mName, (UINT64)Rec->Value));
  }
  return EFI_SUCCESS;
}
EFI_STATUS EFIAPI MyEntry (IN EFI_HANDLE ImageHandle, IN EFI_SYSTEM_TABLE *SystemTable) {
  EFI_STATUS                     Status;
  EFI_SMM_SW_DISPATCH2_PROTOCOL  *SwDispatch;
  EFI_SMM_SW_REGISTER_CONTEXT    SwContext;
  EFI_HANDLE                     Handle;
  EFI_LOADED_IMAGE_PROTOCOL      *Image;
  STATIC CONST EFI_GUID          MyGuid = { 0x12345678, 0x1234, 0x5678, { 1, 2, 3, 4, 5, 6, 7, 8 } };
  Status = gBS->HandleProtocol (ImageHandle, &gEfiLoadedImageProtocolGuid, (VOID **)&Image);
  ASSERT_EFI_ERROR (Status);
  ASSERT (SystemTable == gST && InSmm ());
  Status = gSmst->SmmLocateProtocol (&gEfiSmmCpuProtocolGuid, NULL, (VOID **)&mSmmCpu);
  ASSERT_EFI_ERROR (Status);
  Status = gSmst->SmmLocateProtocol (&gEfiSmmSwDispatch2ProtocolGuid, NULL, (VOID **)&SwDispatch);
  if (EFI_ERROR (Status)) {
    DEBUG ((DEBUG_ERROR, "no SwDispatch2: %r\\n", Status));
    return Status;
  }
  SwContext.SwSmiInputValue = 0x5A;
  Status = SwDispatch->Register (SwDispatch, SwHandler, &SwContext, &Handle);
  ASSERT_EFI_ERROR (Status);
  Status = gSmst->SmiHandlerRegister (CommHandler, &MyGuid, &Handle);
  DEBUG ((DEBUG_INFO, "stack %x, mask %x, level %x, %g\\n", PcdGet32 (PcdCpuSmmStackSize),
          PcdGet8 (PcdDebugPropertyMask), PcdGet32 (PcdDebugPrintErrorLevel), &MyGuid));
  return Status;
}
`.replace('ICH9_APM_STS_PORT', '0xB3');
    expect(gcc('SwDrv.c', src, C99).stderr).toBe('');
  });

  it('§2.1/§3.3: a PCD the build does not fix, or read at the wrong width, does not compile (as with edk2 AutoGen)', () => {
    const use = (expr: string) => `#include <Library/PcdLib.h>\nUINT32 F (VOID) { return ${expr}; }\n`;
    expect(gcc('Pcd1.c', use('PcdGet32 (PcdCpuSmmStackSize)'), ['-fsyntax-only', '-Werror']).status).toBe(0);
    const wrongWidth = gcc('Pcd2.c', use('PcdGet32 (PcdDebugPropertyMask)'), ['-fsyntax-only']);
    expect(wrongWidth.status).not.toBe(0);
    expect(wrongWidth.stderr).toContain('_PCD_GET_MODE_32_PcdDebugPropertyMask');
    const unknown = gcc('Pcd3.c', use('PcdGet32 (PcdNoSuchThing)'), ['-fsyntax-only']);
    expect(unknown.stderr).toContain('_PCD_GET_MODE_32_PcdNoSuchThing');
    const set = gcc('Pcd4.c', use('(UINT32)PcdSet32S (PcdCpuSmmStackSize, 1)'), ['-fsyntax-only', '-Werror=implicit-function-declaration']);
    expect(set.status).not.toBe(0);
  });
});
