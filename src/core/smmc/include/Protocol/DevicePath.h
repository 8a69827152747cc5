/*
 * Protocol/DevicePath.h - SmiScope's SMM-C header set.
 * Only the generic device path node header (edk2: MdePkg/Include/Protocol/DevicePath.h, which
 * also defines every node type; SMM drivers only pass device paths along, so those are left out).
 */
#ifndef SMMC_PROTOCOL_DEVICE_PATH_H_
#define SMMC_PROTOCOL_DEVICE_PATH_H_

#include <Uefi/UefiBaseType.h>

#define EFI_DEVICE_PATH_PROTOCOL_GUID \
  { 0x09576E91, 0x6D3F, 0x11D2, { 0x8E, 0x39, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B } }

#define DEVICE_PATH_PROTOCOL  EFI_DEVICE_PATH_PROTOCOL_GUID

/* Every node starts with these 4 bytes; Length (little-endian) counts the whole node. */
#pragma pack(push, 1)
typedef struct {
  UINT8  Type;
  UINT8  SubType;
  UINT8  Length[2];
} EFI_DEVICE_PATH_PROTOCOL;
#pragma pack(pop)

typedef EFI_DEVICE_PATH_PROTOCOL  EFI_DEVICE_PATH;

#define END_DEVICE_PATH_TYPE              0x7F
#define END_ENTIRE_DEVICE_PATH_SUBTYPE    0xFF
#define END_INSTANCE_DEVICE_PATH_SUBTYPE  0x01

extern EFI_GUID  gEfiDevicePathProtocolGuid;

#endif
