/** The boot of whichever platform the machine is (system/OvmfBoot.ts, system/PchBoot.ts). */

import type { Gen } from '../pi/Fw';
import type { Machine } from '../pi/Platform';
import { bootOvmf } from './OvmfBoot';
import { bootPch } from './PchBoot';

export function bootMachine(m: Machine): Gen<void> {
  return m.s.config.profile === 'pch' ? bootPch(m) : bootOvmf(m);
}
