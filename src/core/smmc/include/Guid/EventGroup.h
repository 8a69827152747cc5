/*
 * Guid/EventGroup.h - SmiScope's SMM-C header set.
 * Event-group GUIDs (edk2: MdePkg/Include/Guid/EventGroup.h); only the two the SMM side uses:
 * PiSmmCore registers an SMI handler for the DXE-dispatch GUID (it dispatches SMM drivers there),
 * and End-of-DXE is the point after which SmmMemLib checks buffers against the memory map.
 */
#ifndef SMMC_GUID_EVENT_GROUP_H_
#define SMMC_GUID_EVENT_GROUP_H_

#include <Uefi/UefiBaseType.h>

#define EFI_EVENT_GROUP_DXE_DISPATCH_GUID \
  { 0x7081e22f, 0xcac6, 0x4053, { 0x94, 0x68, 0x67, 0x57, 0x82, 0xcf, 0x88, 0xe5 } }
#define EFI_END_OF_DXE_EVENT_GROUP_GUID \
  { 0x02ce967a, 0xdd7e, 0x4ffc, { 0x9e, 0xe7, 0x81, 0x0c, 0xf0, 0x47, 0x08, 0x80 } }

extern EFI_GUID  gEfiEventDxeDispatchGuid;
extern EFI_GUID  gEfiEndOfDxeEventGroupGuid;

#endif
