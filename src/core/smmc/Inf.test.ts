/** The .inf of an SMM-C module (edk2 INF specification; smm-c-facts §6 for what the loader takes from it). */
import { describe, expect, it } from 'vitest';
import { parseInf } from './Inf';
import { CDiagnostic, type SourceFile } from './Source';

const file = (text: string): SourceFile => ({ name: 'MySmm.inf', text, shipped: false });

const GOOD = `## @file
#  A sample SMM driver
[Defines]
  INF_VERSION                    = 0x00010005
  BASE_NAME                      = MySmm
  FILE_GUID                      = 5B3C1E2A-1111-4222-8333-944455556666
  MODULE_TYPE                    = DXE_SMM_DRIVER
  ENTRY_POINT                    = MySmmEntry   # the entry

[Sources.X64]
  MySmm.c
  MySmm.h

[Packages]
  MdePkg/MdePkg.dec

[LibraryClasses]
  UefiDriverEntryPoint
  SmmServicesTableLib

[Protocols]
  gEfiSmmSwDispatch2ProtocolGuid   ## CONSUMES

[Depex]
  gEfiSmmSwDispatch2ProtocolGuid AND
  gEfiSmmCpuProtocolGuid
`;

function err(text: string): CDiagnostic {
  try {
    parseInf(file(text));
  } catch (e) {
    if (e instanceof CDiagnostic) return e;
    throw e;
  }
  throw new Error('no error');
}

describe('SMM-C .inf (smm-c-facts §6: what PiSmmCore loads)', () => {
  it('reads [Defines], [Sources], [Protocols] and joins [Depex] into one expression', () => {
    const m = parseInf(file(GOOD));
    expect(m.baseName).toBe('MySmm');
    expect(m.fileGuid).toBe('5b3c1e2a-1111-4222-8333-944455556666');
    expect(m.entryPoint).toBe('MySmmEntry');
    expect(m.sources).toEqual(['MySmm.c', 'MySmm.h']);
    expect(m.protocols).toEqual(['gEfiSmmSwDispatch2ProtocolGuid']);
    expect(m.libraryClasses).toEqual(['UefiDriverEntryPoint', 'SmmServicesTableLib']);
    expect(m.depex).toBe('gEfiSmmSwDispatch2ProtocolGuid AND gEfiSmmCpuProtocolGuid');
    expect(m.depexLoc?.line).toBe(25);
  });

  it('a missing ENTRY_POINT is named', () => {
    expect(err(GOOD.replace(/ +ENTRY_POINT.*\n/, '')).message).toMatch(/no ENTRY_POINT/);
  });

  it('a bad FILE_GUID points at its value', () => {
    const e = err(GOOD.replace('5B3C1E2A-1111-4222-8333-944455556666', 'not-a-guid'));
    expect(e.format()).toContain('MySmm.inf:6:36: error: FILE_GUID');
  });

  it('only DXE_SMM_DRIVER modules load, and an unknown section is named', () => {
    expect(err(GOOD.replace('DXE_SMM_DRIVER', 'DXE_DRIVER')).message).toMatch(/SmiScope loads DXE_SMM_DRIVER/);
    expect(err(GOOD.replace('[Packages]', '[Pakages]')).where()).toMatchObject({ line: 14, col: 1 });
  });

  it('[Sources] must list a .c file', () => {
    expect(err(GOOD.replace('  MySmm.c\n', '')).message).toBe('[Sources] lists no .c file');
  });
});
