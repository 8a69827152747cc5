/**
 * OvmfPkg/SmmControl2Dxe/SmiFeatures.c, NegotiateSmiFeatures: SmmControl2Dxe asks QEMU over fw_cfg
 * (etc/smi/supported-features, requested-features, features-ok) for broadcast SMI and CPU
 * hot(un)plug with SMI, and configures PiSmmCpuDxeSmm's sync PCDs from the answer. The three
 * outcomes, as real boots print them (QEMU 7.2):
 *  - all three features offered (the default): "using SMI broadcast", "CPU hotplug with SMI
 *    negotiated", "CPU hot-unplug with SMI negotiated"; traditional sync, both timeouts 1000000 µs;
 *  - none offered: QEMU creates no etc/smi files -> "SMI feature negotiation unavailable"; the DSC
 *    defaults stay (relaxed sync, 100000 µs) and every SMI is unicast;
 *  - broadcast off but hotplug offered: QEMU rejects the request 0x6 (features-ok stays 0) ->
 *    "negotiation failed for feature bitmap 0x6", ASSERT (FALSE), CpuDeadLoop: the boot hangs in DXE.
 */

import { ICH9_LPC_SMI_F_BROADCAST, ICH9_LPC_SMI_F_CPU_HOT_UNPLUG, ICH9_LPC_SMI_F_CPU_HOTPLUG, smiFeatureFilesPresent, smiFeaturesOkRead } from '../machine/Ich9Lpc';
import { ASSERT, DEBUG, DEBUG_ERROR, DEBUG_INFO } from '../pi/Debug';
import type { Fw } from '../pi/Platform';

export const SMI_FEATURES_FILE = 'OvmfPkg/SmmControl2Dxe/SmiFeatures.c';
/** The `ASSERT (FALSE);` under FatalError: in NegotiateSmiFeatures, at the edk2 commit the model follows. */
export const SMI_FEATURES_FATAL_LINE = 232;
/** FALSE as MdePkg/Include/Base.h defines it: what ASSERT (FALSE) prints. */
export const ASSERT_FALSE_TEXT = '((BOOLEAN)(0==1))';

/** @return TRUE when negotiation ran (whatever it got), FALSE when it is unavailable. Dead-loops on failure. */
export function negotiateSmiFeatures(fw: Fw): boolean {
  const { m } = fw;
  const lpc = m.s.lpc;
  const mp = m.s.mp;
  const fn = 'NegotiateSmiFeatures';
  if (!smiFeatureFilesPresent(lpc)) {
    DEBUG(fw, DEBUG_INFO, '%a: SMI feature negotiation unavailable\n', fn);
    return false;
  }
  // We want broadcast, CPU hotplug and hot-unplug with SMI (hotplug only when SEV is off: it is here).
  const wanted = ICH9_LPC_SMI_F_BROADCAST | ICH9_LPC_SMI_F_CPU_HOTPLUG | ICH9_LPC_SMI_F_CPU_HOT_UNPLUG;
  const features = lpc.smiFeaturesSupported & wanted;
  lpc.smiFeaturesRequested = features; // QemuFwCfgWriteBytes (etc/smi/requested-features)
  if (smiFeaturesOkRead(lpc) !== 1) {
    DEBUG(fw, DEBUG_ERROR, '%a: negotiation failed for feature bitmap 0x%Lx\n', fn, BigInt(features));
    ASSERT(fw, false, ASSERT_FALSE_TEXT, SMI_FEATURES_FILE, SMI_FEATURES_FATAL_LINE); // then CpuDeadLoop ()
  }
  if (!(features & ICH9_LPC_SMI_F_BROADCAST)) {
    DEBUG(fw, DEBUG_INFO, '%a: SMI broadcast unavailable\n', fn);
  } else {
    // PcdSet64S (PcdCpuSmmApSyncTimeout / ...Timeout2, 1000000); PcdSet8S (PcdCpuSmmSyncMode, 0x00).
    mp.apSyncTimeout = 1000000;
    mp.apSyncTimeout2 = 1000000;
    mp.syncMode = 'traditional';
    DEBUG(fw, DEBUG_INFO, '%a: using SMI broadcast\n', fn);
  }
  DEBUG(fw, DEBUG_INFO, features & ICH9_LPC_SMI_F_CPU_HOTPLUG ? '%a: CPU hotplug with SMI negotiated\n' : '%a: CPU hotplug not negotiated\n', fn);
  DEBUG(fw, DEBUG_INFO, features & ICH9_LPC_SMI_F_CPU_HOT_UNPLUG ? '%a: CPU hot-unplug with SMI negotiated\n' : '%a: CPU hot-unplug not negotiated\n', fn);
  return true;
}
