/**
 * Who the firmware frames of a C call stack belong to (ViewSnapshot.c.frames, kind 'firmware'):
 * the PI SMM core (MdeModulePkg/Core/PiSmmCore) or the SMM CPU driver
 * (UefiCpuPkg/PiSmmCpuDxeSmm), as an engineer reads them in a real backtrace.
 */

const OWNERS: [RegExp, string, string][] = [
  [/^(SmiManage|MmiManage|SmmEntryPoint|SmmDispatcher|SmmDriverDispatchHandler|SmmNotifyProtocol|SmmInstallProtocolInterface|SmmLocateProtocol)$/, 'PiSmmCore', 'MdeModulePkg/Core/PiSmmCore'],
  [/^(SmiRendezvous|BSPHandler|APHandler|SmmWaitForApArrival)$/, 'PiSmmCpuDxeSmm', 'UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c'],
  [/^_ModuleEntryPoint$/, 'entry glue', 'MdePkg/Library/UefiDriverEntryPoint (calls the .inf ENTRY_POINT)'],
];

/** The firmware module of a frame and where its code lives upstream; `fn` may already say it in parentheses. */
export function firmwareFrameOwner(fn: string): { name: string; where: string } | null {
  for (const [re, name, where] of OWNERS) if (re.test(fn)) return { name, where };
  const paren = /\(([^,)]+)/.exec(fn);
  return paren ? { name: paren[1].trim(), where: '' } : null;
}

/** The function's own name, without the note in parentheses some frames carry. */
export function frameFunction(fn: string): string {
  const i = fn.indexOf(' (');
  return i > 0 ? fn.slice(0, i) : fn;
}
