/** The code side of a firmware module: what the build would put in an FFS file. */

import type { EntryPointFn, MmiHandlerFn, NotifyFn } from '../pi/Fw';
import type { Guid } from '../pi/Guid';
import type { ModuleRecord } from '../pi/ModuleRecord';

export interface ModuleDef {
  name: string;
  fileGuid: Guid;
  kind: ModuleRecord['kind'];
  /** The .inf [Depex] expression (DXE_SMM_DRIVER only); null = no depex section. */
  depex: string | null;
  imageSize: number;
  entry: EntryPointFn;
  /** Functions the module can register as MMI handlers, by C name. */
  handlers: Record<string, MmiHandlerFn>;
  /** Functions the module can register with SmmRegisterProtocolNotify, by C name. */
  notifies?: Record<string, NotifyFn>;
  /** One line on what the module is and where it comes from (edk2 path). */
  summary: string;
}
