/*
 * Library/PcdLib.h - SmiScope's SMM-C header set.
 * Platform configuration values (edk2: MdePkg/Include/Library/PcdLib.h). In edk2 the build writes
 * each module's PCD values into its AutoGen.h; SMM-C has no build step, so this header carries
 * the values of SmiScope's OVMF build itself (OvmfPkg/OvmfPkgX64.dsc, else the .dec default).
 * A PCD not listed below, or read with the wrong width, fails to compile (undeclared _PCD_...).
 */
#ifndef SMMC_LIBRARY_PCD_LIB_H_
#define SMMC_LIBRARY_PCD_LIB_H_

#include <Base.h>

/* ---- Reading a PCD: PcdGet32 (PcdDebugPrintErrorLevel) ---- */
#define PcdGet8(TokenName)     _PCD_GET_MODE_8_##TokenName
#define PcdGet16(TokenName)    _PCD_GET_MODE_16_##TokenName
#define PcdGet32(TokenName)    _PCD_GET_MODE_32_##TokenName
#define PcdGet64(TokenName)    _PCD_GET_MODE_64_##TokenName
#define PcdGetBool(TokenName)  _PCD_GET_MODE_BOOL_##TokenName

/* The same for fixed-at-build PCDs, as a constant expression. */
#define FixedPcdGet8(TokenName)     _PCD_VALUE_##TokenName
#define FixedPcdGet16(TokenName)    _PCD_VALUE_##TokenName
#define FixedPcdGet32(TokenName)    _PCD_VALUE_##TokenName
#define FixedPcdGet64(TokenName)    _PCD_VALUE_##TokenName
#define FixedPcdGetBool(TokenName)  _PCD_VALUE_##TokenName

/* Feature flags (BOOLEAN PCDs declared in a [PcdsFeatureFlag] section). */
#define FeaturePcdGet(TokenName)  _PCD_GET_MODE_BOOL_##TokenName

/* Setting a PCD: every PCD here is fixed at build time, so these do not compile (as in edk2). */
#define PcdSet8S(TokenName, Value)     _PCD_SET_MODE_8_S_##TokenName ((Value))
#define PcdSet16S(TokenName, Value)    _PCD_SET_MODE_16_S_##TokenName ((Value))
#define PcdSet32S(TokenName, Value)    _PCD_SET_MODE_32_S_##TokenName ((Value))
#define PcdSet64S(TokenName, Value)    _PCD_SET_MODE_64_S_##TokenName ((Value))
#define PcdSetBoolS(TokenName, Value)  _PCD_SET_MODE_BOOL_S_##TokenName ((Value))

/* ---- The PCDs (what AutoGen.h would define): value, then how PcdGet reads it ---- */

/* MdePkg: DebugLib. 0x2F = ASSERT, PRINT, CODE and CLEAR_MEMORY enabled, ASSERT dead-loops. */
#define _PCD_VALUE_PcdDebugPropertyMask             0x2FU
#define _PCD_GET_MODE_8_PcdDebugPropertyMask        ((UINT8)_PCD_VALUE_PcdDebugPropertyMask)
/* 0x8000004F = DEBUG_ERROR | DEBUG_INFO | DEBUG_FS | DEBUG_LOAD | DEBUG_WARN | DEBUG_INIT. */
#define _PCD_VALUE_PcdDebugPrintErrorLevel          0x8000004FU
#define _PCD_GET_MODE_32_PcdDebugPrintErrorLevel    ((UINT32)_PCD_VALUE_PcdDebugPrintErrorLevel)
#define _PCD_VALUE_PcdFixedDebugPrintErrorLevel        0xFFFFFFFFU
#define _PCD_GET_MODE_32_PcdFixedDebugPrintErrorLevel  ((UINT32)_PCD_VALUE_PcdFixedDebugPrintErrorLevel)
#define _PCD_VALUE_PcdDebugClearMemoryValue         0xAFU
#define _PCD_GET_MODE_8_PcdDebugClearMemoryValue    ((UINT8)_PCD_VALUE_PcdDebugClearMemoryValue)

/* MdePkg: BaseLib limits (0 = no limit on list length, as OVMF sets it). */
#define _PCD_VALUE_PcdMaximumAsciiStringLength          1000000U
#define _PCD_GET_MODE_32_PcdMaximumAsciiStringLength    ((UINT32)_PCD_VALUE_PcdMaximumAsciiStringLength)
#define _PCD_VALUE_PcdMaximumUnicodeStringLength        1000000U
#define _PCD_GET_MODE_32_PcdMaximumUnicodeStringLength  ((UINT32)_PCD_VALUE_PcdMaximumUnicodeStringLength)
#define _PCD_VALUE_PcdMaximumLinkedListLength           0U
#define _PCD_GET_MODE_32_PcdMaximumLinkedListLength     ((UINT32)_PCD_VALUE_PcdMaximumLinkedListLength)

/* MdePkg / MdeModulePkg: protections OVMF leaves off (no CET, no NULL page, no heap guard in SMM). */
#define _PCD_VALUE_PcdControlFlowEnforcementPropertyMask        0U
#define _PCD_GET_MODE_32_PcdControlFlowEnforcementPropertyMask  ((UINT32)_PCD_VALUE_PcdControlFlowEnforcementPropertyMask)
#define _PCD_VALUE_PcdNullPointerDetectionPropertyMask          0U
#define _PCD_GET_MODE_8_PcdNullPointerDetectionPropertyMask     ((UINT8)_PCD_VALUE_PcdNullPointerDetectionPropertyMask)
#define _PCD_VALUE_PcdHeapGuardPropertyMask                     0U
#define _PCD_GET_MODE_8_PcdHeapGuardPropertyMask                ((UINT8)_PCD_VALUE_PcdHeapGuardPropertyMask)

/* UefiCpuPkg: the SMM CPU driver. OVMF's SMI stack is 16 KiB (the .dec default is 8 KiB). */
#define _PCD_VALUE_PcdCpuSmmStackSize                    0x4000U
#define _PCD_GET_MODE_32_PcdCpuSmmStackSize              ((UINT32)_PCD_VALUE_PcdCpuSmmStackSize)
#define _PCD_VALUE_PcdCpuSmmRestrictedMemoryAccess       ((BOOLEAN)1U)
#define _PCD_GET_MODE_BOOL_PcdCpuSmmRestrictedMemoryAccess  _PCD_VALUE_PcdCpuSmmRestrictedMemoryAccess
#define _PCD_VALUE_PcdCpuSmmCodeAccessCheckEnable        ((BOOLEAN)1U)
#define _PCD_GET_MODE_BOOL_PcdCpuSmmCodeAccessCheckEnable   _PCD_VALUE_PcdCpuSmmCodeAccessCheckEnable
#define _PCD_VALUE_PcdCpuSmmStackGuard                   ((BOOLEAN)1U)
#define _PCD_GET_MODE_BOOL_PcdCpuSmmStackGuard           _PCD_VALUE_PcdCpuSmmStackGuard
#define _PCD_VALUE_PcdCpuSmmProfileEnable                ((BOOLEAN)0U)
#define _PCD_GET_MODE_BOOL_PcdCpuSmmProfileEnable        _PCD_VALUE_PcdCpuSmmProfileEnable

/* OvmfPkg: the debug console port (QEMU's isa-debugcon). */
#define _PCD_VALUE_PcdDebugIoPort        0x402U
#define _PCD_GET_MODE_16_PcdDebugIoPort  ((UINT16)_PCD_VALUE_PcdDebugIoPort)

#endif
