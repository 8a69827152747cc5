/*
 * Protocol/LoadedImage.h - SmiScope's SMM-C header set.
 * What is known about a loaded image (edk2: MdePkg/Include/Protocol/LoadedImage.h). PiSmmCore
 * installs one on the driver's DXE image handle (the ImageHandle its entry point gets) and one
 * on its SMM handle; ImageBase and ImageSize describe the image in SMRAM.
 */
#ifndef SMMC_PROTOCOL_LOADED_IMAGE_H_
#define SMMC_PROTOCOL_LOADED_IMAGE_H_

#include <Uefi/UefiSpec.h>

#define EFI_LOADED_IMAGE_PROTOCOL_GUID \
  { 0x5B1B31A1, 0x9562, 0x11D2, { 0x8E, 0x3F, 0x00, 0xA0, 0xC9, 0x69, 0x72, 0x3B } }
#define EFI_LOADED_IMAGE_DEVICE_PATH_PROTOCOL_GUID \
  { 0xbc62157e, 0x3e33, 0x4fec, { 0x99, 0x20, 0x2d, 0x3b, 0x36, 0xd7, 0x50, 0xdf } }

#define LOADED_IMAGE_PROTOCOL  EFI_LOADED_IMAGE_PROTOCOL_GUID

#define EFI_LOADED_IMAGE_PROTOCOL_REVISION     0x1000
#define EFI_LOADED_IMAGE_INFORMATION_REVISION  EFI_LOADED_IMAGE_PROTOCOL_REVISION

/* 96 bytes; offsets in decimal. */
typedef struct {
  UINT32                    Revision;          /* 0 (+4 padding) */
  EFI_HANDLE                ParentHandle;      /* 8: the image that loaded this one */
  EFI_SYSTEM_TABLE          *SystemTable;      /* 16 */
  EFI_HANDLE                DeviceHandle;      /* 24: where the image came from */
  EFI_DEVICE_PATH_PROTOCOL  *FilePath;         /* 32 */
  VOID                      *Reserved;         /* 40 */
  UINT32                    LoadOptionsSize;   /* 48 (+4 padding) */
  VOID                      *LoadOptions;      /* 56 */
  VOID                      *ImageBase;        /* 64 */
  UINT64                    ImageSize;         /* 72 */
  EFI_MEMORY_TYPE           ImageCodeType;     /* 80: SMM images: EfiRuntimeServicesCode */
  EFI_MEMORY_TYPE           ImageDataType;     /* 84: SMM images: EfiRuntimeServicesData */
  EFI_IMAGE_UNLOAD          Unload;            /* 88 */
} EFI_LOADED_IMAGE_PROTOCOL;

typedef EFI_LOADED_IMAGE_PROTOCOL  EFI_LOADED_IMAGE;

extern EFI_GUID  gEfiLoadedImageProtocolGuid;
extern EFI_GUID  gEfiLoadedImageDevicePathProtocolGuid;

#endif
