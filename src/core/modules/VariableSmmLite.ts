/**
 * A small GUID-typed MMI handler after MdeModulePkg/Universal/Variable/RuntimeDxe/VariableSmm.c
 * (SmmVariableHandler on gEfiSmmVariableProtocolGuid), so Communicate has a real target. It keeps
 * edk2's buffer layouts and checks but only GET_VARIABLE (1) and SET_VARIABLE (3):
 *   SMM_VARIABLE_COMMUNICATE_HEADER  { UINTN Function; EFI_STATUS ReturnStatus; UINT8 Data[]; }
 *   SMM_VARIABLE_COMMUNICATE_ACCESS_VARIABLE { EFI_GUID Guid; UINTN DataSize; UINTN NameSize;
 *                                              UINT32 Attributes; CHAR16 Name[]; } then the data.
 * The handler always returns EFI_SUCCESS; the outcome goes into ReturnStatus, as in edk2.
 */

import { read32, read64, readBytes, write64, writeBytes } from '../machine/Memory';
import { DEBUG, DEBUG_ERROR } from '../pi/Debug';
import { type EfiStatus, statusValue } from '../pi/EfiStatus';
import { ev, type Gen } from '../pi/Fw';
import { type Fw, type MmiHandlerFn } from '../pi/Platform';
import { guidFromBytes, GUIDS } from '../pi/Guid';
import { MmiHandlerRegister } from '../pi/Mmi';
import { SmmInstallProtocolInterface } from '../pi/ProtocolDb';
import { smmIsBufferOutsideSmmValid } from '../pi/SmmMemLib';
import type { ModuleDef } from '../pi/Platform';

export const SMM_VARIABLE_COMMUNICATE_HEADER_SIZE = 16; // OFFSET_OF (..., Data)
export const SMM_VARIABLE_FUNCTION_GET_VARIABLE = 1;
export const SMM_VARIABLE_FUNCTION_SET_VARIABLE = 3;
const ACCESS_NAME_OFFSET = 16 + 8 + 8 + 4; // OFFSET_OF (SMM_VARIABLE_COMMUNICATE_ACCESS_VARIABLE, Name)

function utf16(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i + 1 < bytes.length; i += 2) {
    const c = bytes[i] | (bytes[i + 1] << 8);
    if (c === 0) break;
    s += String.fromCharCode(c);
  }
  return s;
}

function toHex(b: Uint8Array): string {
  return Array.from(b, (x) => x.toString(16).padStart(2, '0')).join('');
}

function fromHex(h: string): Uint8Array {
  const out = new Uint8Array(h.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(h.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const SmmVariableHandler: MmiHandlerFn = function* (fw, _h, _ctx, commBuffer, commBufferSize) {
  const { m } = fw;
  const mem = m.s.mem;
  if (commBuffer === 0 || commBufferSize === null) return 'EFI_SUCCESS';
  const size = commBufferSize.value;
  if (size < SMM_VARIABLE_COMMUNICATE_HEADER_SIZE) {
    DEBUG(fw, DEBUG_ERROR, 'SmmVariableHandler: SMM communication buffer size invalid!\n');
    return 'EFI_SUCCESS';
  }
  if (smmIsBufferOutsideSmmValid(m, commBuffer, size) !== null) {
    DEBUG(fw, DEBUG_ERROR, 'SmmVariableHandler: SMM communication buffer in SMRAM or overflow!\n');
    return 'EFI_SUCCESS';
  }
  const fn = Number(read64(mem, commBuffer));
  const acc = commBuffer + SMM_VARIABLE_COMMUNICATE_HEADER_SIZE;
  let result: EfiStatus;
  let what: string;
  if ((fn === SMM_VARIABLE_FUNCTION_GET_VARIABLE || fn === SMM_VARIABLE_FUNCTION_SET_VARIABLE) && size >= SMM_VARIABLE_COMMUNICATE_HEADER_SIZE + ACCESS_NAME_OFFSET) {
    const guid = guidFromBytes(readBytes(mem, acc, 16));
    const dataSize = Number(read64(mem, acc + 16));
    const nameSize = Number(read64(mem, acc + 24));
    const attributes = read32(mem, acc + 32);
    const infoSize = ACCESS_NAME_OFFSET + nameSize + dataSize;
    if (SMM_VARIABLE_COMMUNICATE_HEADER_SIZE + infoSize > size || nameSize < 2) {
      DEBUG(fw, DEBUG_ERROR, 'SmmVariableHandler: SMM communication buffer size invalid!\n');
      result = 'EFI_ACCESS_DENIED';
      what = 'access-variable payload larger than the buffer';
    } else {
      const name = utf16(readBytes(mem, acc + ACCESS_NAME_OFFSET, nameSize));
      const key = `var:${guid}:${name}`;
      if (fn === SMM_VARIABLE_FUNCTION_SET_VARIABLE) {
        const data = readBytes(mem, acc + ACCESS_NAME_OFFSET + nameSize, dataSize);
        if (dataSize === 0) delete fw.mod.globals[key];
        else fw.mod.globals[key] = `${attributes}:${toHex(data)}`;
        result = 'EFI_SUCCESS';
        what = `SetVariable (L"${name}", ${dataSize} bytes)`;
      } else {
        const v = fw.mod.globals[key];
        if (typeof v !== 'string') {
          result = 'EFI_NOT_FOUND';
          what = `GetVariable (L"${name}"): not found`;
        } else {
          const [attr, hexData] = v.split(':');
          const data = fromHex(hexData);
          write64(mem, acc + 16, BigInt(data.length));
          writeBytes(mem, acc + 32, new Uint8Array(new Uint32Array([Number(attr)]).buffer));
          if (data.length > dataSize) {
            result = 'EFI_BUFFER_TOO_SMALL';
            what = `GetVariable (L"${name}"): needs ${data.length} bytes`;
          } else {
            writeBytes(mem, acc + ACCESS_NAME_OFFSET + nameSize, data);
            result = 'EFI_SUCCESS';
            what = `GetVariable (L"${name}") = ${data.length} bytes`;
          }
        }
      }
    }
  } else {
    result = 'EFI_UNSUPPORTED';
    what = `Function ${fn} not supported by this handler`;
  }
  write64(mem, commBuffer + 8, statusValue(result));
  yield ev('handler', fw.cpu, `SmmVariableHandler: ${what}; ReturnStatus (CommBuffer+8) = ${result}`);
  return 'EFI_SUCCESS';
};

function* entry(fw: Fw): Gen<EfiStatus> {
  const [status] = yield* MmiHandlerRegister(fw, 'SmmVariableHandler', GUIDS.gEfiSmmVariableProtocolGuid);
  if (status !== 'EFI_SUCCESS') return status;
  return yield* SmmInstallProtocolInterface(fw, GUIDS.gEfiSmmVariableProtocolGuid);
}

export const VariableSmmLite: ModuleDef = {
  name: 'VariableSmmLite',
  fileGuid: '5e8f6b13-7d1a-4c9e-9b62-3f1a2c4d5e70',
  kind: 'DXE_SMM_DRIVER',
  depex: 'TRUE',
  imageSize: 0x6000,
  entry,
  handlers: { SmmVariableHandler },
  summary: 'GUID handler on gEfiSmmVariableProtocolGuid: GET/SET_VARIABLE subset of MdeModulePkg VariableSmm (SmiScope sample)',
};
