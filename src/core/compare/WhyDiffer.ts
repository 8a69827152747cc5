/**
 * Why two aligned rows differ: a small table of explainers, tried in order, each matching the two
 * rows (and, where it needs them, what else the two sides did: their traces and how their modules
 * ended) and saying in a few sentences what happened, citing the upstream file and function the
 * rows name and the facts section it rests on. The last one always answers ("A: ... / B: ...").
 */

import { isPlatformName, PLATFORM_SUMMARY } from '../profiles/Platforms';
import type { ComparePhase, CompareRow, Explanation, ExplainerId, SideTrace } from './CompareTypes';
import { normalise } from './Normalize';

export interface ExplainInput {
  row: CompareRow;
  phase: ComparePhase;
  /** Every row of the compare (explainers read the rest of the row's phase). */
  rows: readonly CompareRow[];
  A: SideTrace;
  B: SideTrace;
}

type Side = 'a' | 'b';

/** What an explainer gets: the input plus the two sides by name. */
interface Ctx extends ExplainInput {
  label: Record<Side, string>;
  side: Record<Side, SideTrace>;
}

const other = (s: Side): Side => (s === 'a' ? 'b' : 'a');
const upper = (s: Side) => s.toUpperCase();

function text(c: Ctx, s: Side): string | undefined {
  return c.row[s];
}

/** Every line of a side's trace, in order (the explainers search them for who installed what). */
function* lines(t: SideTrace): Generator<string> {
  for (const st of t.steps) for (const u of st.units) for (const g of u.segments) for (const x of g.items) yield x.text;
}

/** The module that installs `guid` on a side, as its trace says ("X: gSmst->SmmInstallProtocolInterface(guid, ..."), or null. */
function producer(t: SideTrace, guid: string): string | null {
  const needle = `SmmInstallProtocolInterface(${guid},`;
  for (const l of lines(t)) {
    if (!l.includes(needle)) continue;
    const m = /^(\w+): /.exec(l);
    if (m) return m[1];
  }
  return null;
}

function make(id: ExplainerId, title: string, body: string, cites: string[], group?: string): Explanation {
  return group === undefined ? { id, title, text: body, cites } : { id, title, text: body, cites, group };
}

// -- two different platforms: their own PEI and DXE drivers --

/** The platform of a spec (its first word), when the console knows it. */
function platformOf(spec: string): string {
  return spec.trim().split(/\s+/)[0] ?? '';
}

/** Rows of the boot outside SMIs and outside SMM drivers: the platform's own PEI and DXE code. */
const PLATFORM_UNIT = /^(?:PEI: |after PEI: |DXE driver: |driver: |DXE\b|outside SMM)/;

function platform(c: Ctx): Explanation | null {
  const pa = platformOf(c.A.spec);
  const pb = platformOf(c.B.spec);
  if (pa === pb || c.phase.step !== 0 || !PLATFORM_UNIT.test(c.phase.unit)) return null;
  const what = (p: string) => (isPlatformName(p) ? PLATFORM_SUMMARY[p] : p);
  return make(
    'platform',
    `A is ${pa}, B is ${pb}: two machines, each with its own PEI and DXE platform drivers`,
    `A (${c.A.spec}) is ${what(pa)}. B (${c.B.spec}) is ${what(pb)}. Until the SMM core dispatches the SMM drivers, each boot runs its platform's own PEI module and DXE drivers (SMRAM, SMI control, the chipset's SMI enable), so their lines differ throughout this part of the boot; the SMM drivers both carry are compared line by line.`,
    [],
    'platform',
  );
}

// -- a protocol located on one side and not found on the other (facts §3) --

const LOCATE = /^(\w+): ([\w>-]*LocateProtocol)\((\w+)\) = (EFI_[A-Z_]+)/;
const SW_DISPATCH_GUIDS = new Set(['gEfiSmmSwDispatch2ProtocolGuid', 'gEfiMmSwDispatchProtocolGuid', '18a3c6dc-5eea-48c8-a1c1-b53389f98999']);

function locate(c: Ctx): Explanation | null {
  const ma = c.row.a !== undefined ? LOCATE.exec(c.row.a) : null;
  const mb = c.row.b !== undefined ? LOCATE.exec(c.row.b) : null;
  if ((ma === null) !== (mb === null)) return locateOneSided(c, ma ? 'a' : 'b', (ma ?? mb)!);
  if (!ma || !mb || ma[1] !== mb[1] || ma[3] !== mb[3] || ma[4] === mb[4]) return null;
  const [, module, service, guid] = ma;
  const miss: Side | null = ma[4] === 'EFI_NOT_FOUND' ? 'a' : mb[4] === 'EFI_NOT_FOUND' ? 'b' : null;
  const title = `${module}: ${service}(${guid}) returns ${ma[4]} on A, ${mb[4]} on B`;
  if (miss === null) return make('locate', title, `The same lookup answers differently: ${ma[4]} on ${c.label.a}, ${mb[4]} on ${c.label.b}.`, ['smm-facts §3']);
  const hit = other(miss);
  const from = / from (\w+)/.exec(text(c, hit)!)?.[1] ?? producer(c.side[hit], guid);
  const hung = c.side[miss].facts.hung;
  const parts = [
    `No driver on ${c.label[miss]} installs ${guid} in the SMM protocol database, so ${service} (MdeModulePkg/Core/PiSmmCore/Locate.c, SmmLocateProtocol) finds no protocol entry, sets *Interface to NULL and returns EFI_NOT_FOUND.`,
    `On ${c.label[hit]}, ${from ?? 'a driver'} installs it (gSmst->SmmInstallProtocolInterface) before ${module} asks, so the lookup succeeds.`,
  ];
  if (SW_DISPATCH_GUIDS.has(guid)) {
    parts.push(
      'EFI_SMM_SW_DISPATCH2_PROTOCOL (the same GUID as EFI_MM_SW_DISPATCH_PROTOCOL) is a chipset SMM dispatcher\'s to produce: a silicon platform\'s SMI dispatcher (an Intel PCH\'s, or edk2\'s UefiPayloadPkg/PchSmiDispatchSmm) installs it; OVMF\'s firmware volume (OvmfPkg/OvmfPkgX64.fdf) has no such driver.',
    );
  }
  if (hung && hung.module === module) parts.push(`On ${c.label[miss]} ${module} then fails its ASSERT_EFI_ERROR: ${hung.message}; the CPU dead-loops in SMM and the boot never ends.`);
  return make('locate', title, parts.join(' '), SW_DISPATCH_GUIDS.has(guid) ? ['smm-facts §3', 'smm-facts §9'] : ['smm-facts §3']);
}

/** A lookup that failed on one side, where the other side never made it (its module did not run there, or not yet). */
function locateOneSided(c: Ctx, s: Side, m: RegExpExecArray): Explanation | null {
  const [, module, service, guid, status] = m;
  if (status !== 'EFI_NOT_FOUND' || text(c, other(s)) !== undefined) return null;
  const o = other(s);
  const from = producer(c.side[o], guid);
  return make(
    'locate',
    `${module}: ${service}(${guid}) returns EFI_NOT_FOUND on ${upper(s)}`,
    `No driver on ${c.label[s]} installs ${guid} in the SMM protocol database, so ${service} (MdeModulePkg/Core/PiSmmCore/Locate.c, SmmLocateProtocol) finds no protocol entry and returns EFI_NOT_FOUND. ` +
      (from ? `On ${c.label[o]}, ${from} installs it.` : `${c.label[o]} does not install it either; ${module} does not make this call there.`),
    SW_DISPATCH_GUIDS.has(guid) ? ['smm-facts §3', 'smm-facts §9'] : ['smm-facts §3'],
  );
}

// -- a module dispatched on one side only (facts §1.9) --

const DRIVER_UNIT = /^(?:SMM driver(?: dispatch)?|DXE driver|driver): (\w+)$/;
const NOT_LOADED = /^SMM Driver ([0-9A-Fa-f-]{36}) was discovered but not loaded!!/;

function moduleOfRow(c: Ctx): { module: string; side: Side } | null {
  // A driver's whole dispatch on one side only.
  const m = c.phase.only ? DRIVER_UNIT.exec(c.phase.segment) ?? DRIVER_UNIT.exec(c.phase.unit) : null;
  if (m) return { module: m[1], side: c.phase.only! };
  // SmmReadyToLock's "discovered but not loaded" on one side: the driver was loaded on the other.
  const only = c.row.a === undefined ? 'b' : c.row.b === undefined ? 'a' : null;
  if (only === null) return null;
  const nl = NOT_LOADED.exec(text(c, only) ?? '');
  if (nl) {
    // Reported not loaded on `only`; explained when the other side did load it.
    const rec = c.side[only].facts.modules.find((r) => r.fileGuid.toLowerCase() === nl[1].toLowerCase());
    const there = rec && c.side[other(only)].facts.modules.find((r) => r.name === rec.name);
    if (rec && there?.state === 'dispatched') return { module: rec.name, side: other(only) };
  }
  return null;
}

function moduleLoaded(c: Ctx): Explanation | null {
  const found = moduleOfRow(c);
  if (!found) return null;
  const { module, side: ran } = found;
  const not = other(ran);
  const rec = c.side[not].facts.modules.find((r) => r.name === module);
  const title = `${module} runs on ${upper(ran)} only`;
  const head = `${module} is dispatched on ${c.label[ran]}, not on ${c.label[not]}.`;
  if (!rec) {
    return make(
      'module-loaded',
      title,
      `${c.label[not]} does not carry ${module}: it is not in that platform's firmware volume, so its dispatcher never sees it. ${c.label[ran]} has it and starts it here.`,
      ['smm-facts §1.9'],
      `not carried by ${not}`,
    );
  }
  const hung = c.side[not].facts.hung;
  if (rec.state === 'failed') return make('module-loaded', title, `${head} On ${upper(not)} its start failed: ${rec.reason} (SmmDispatcher prints "Error: SMM image at ... start failed" and unloads the image).`, ['smm-facts §1.9']);
  if (hung && rec.state !== 'dispatched') {
    // A consequence of the hang, as every driver after it is: one title for all of them.
    return make(
      'module-loaded',
      `${upper(ran)} goes on after ${upper(not)} hung in ${hung.module}: the drivers after it run on ${upper(ran)} only`,
      `${head} ${upper(not)}'s boot hung in ${hung.module} before its SMM dispatcher started ${module}: ${hung.message.split(' (called at')[0]}.`,
      ['smm-facts §1.9', 'smm-facts §12.9'],
      `after the hang on ${not}`,
    );
  }
  if (rec.state === 'dependent') {
    const missing = rec.missing;
    const producers = missing.map((g) => `${g}${producer(c.side[ran], g) ? ` (installed on ${upper(ran)} by ${producer(c.side[ran], g)})` : ''}`);
    const why = missing.length
      ? `its depex needs ${producers.join(', ')}, and nothing on ${upper(not)} installed ${missing.length === 1 ? 'it' : 'them'}`
      : `its depex never evaluated TRUE (${rec.reason})`;
    return make(
      'module-loaded',
      title,
      `${head} On ${upper(not)} ${why}: PiSmmCore's SmmDispatcher (MdeModulePkg/Core/PiSmmCore/Dispatcher.c) re-evaluates the depex after every driver it starts (SmmIsSchedulable, Dependency.c: a PUSH of a GUID that is in neither the SMM nor the UEFI protocol database is FALSE), so the driver stays Dependent, is never loaded, and SmmReadyToLock reports it "discovered but not loaded".`,
      ['smm-facts §1.9'],
    );
  }
  return make('module-loaded', title, `${head} On ${upper(not)} it is ${rec.state} (${rec.reason}), at another point of the boot.`, ['smm-facts §1.9']);
}

// -- a hang on one side (facts §12.9) --

const HANG = /\bASSERT\b|CpuDeadLoop|\bHUNG\b|machine is hung/;

function hang(c: Ctx): Explanation | null {
  const ha = c.row.a !== undefined && HANG.test(c.row.a);
  const hb = c.row.b !== undefined && HANG.test(c.row.b);
  if (ha === hb) return null;
  const s: Side = ha ? 'a' : 'b';
  const h = c.side[s].facts.hung;
  const what = h ? `${h.message.split(' (called at')[0]} in ${h.module}` : text(c, s)!;
  const where = h ? /\bASSERT (\S+\(\d+\))/.exec(h.message)?.[1] : undefined;
  return make(
    'hang',
    `${upper(s)} hangs${h ? ` in ${h.module}` : ''}${where ? ` (ASSERT ${where})` : ''}`,
    `${c.label[s]} hangs: ${what}. A DEBUG build whose PcdDebugPropertyMask enables ASSERT_DEADLOOP (OVMF sets it to 0x2F) prints "ASSERT file(line): expression" (DebugLib's DebugAssert) and calls CpuDeadLoop (): the CPU spins where it is, in SMM the other CPUs wait for it, and nothing after it runs. ${c.label[other(s)]} goes on.`,
    ['smm-facts §12.9'],
  );
}

// -- a different SMM BSP (monarch) (facts §12.1) --

/** The monarch a row names: a CPU number, 'none' (no BSP), or null (the row does not say). */
function monarchOf(t: string | undefined): number | 'none' | null {
  if (t === undefined) return null;
  let m = /\bBspIndex=(\d+|MAX_UINT32) -> (?:BSP|AP)Handler/.exec(t);
  if (m) return m[1] === 'MAX_UINT32' ? 'none' : Number(m[1]);
  m = /\bBSP CPU(\d+)\b/.exec(t);
  if (m) return Number(m[1]);
  if (/\bno (?:SMM )?BSP\b/i.test(t)) return 'none';
  return null;
}

/**
 * The monarch a side's rows of the phase name: a CPU that became BSP wins over the CPUs that did
 * not know one yet (an AP that checks in first reads BspIndex = MAX_UINT32); 'none' when no CPU did.
 */
function phaseMonarch(c: Ctx, s: Side): number | 'none' | null {
  let none = false;
  for (let i = c.phase.first; i < c.phase.first + c.phase.count; i++) {
    const t = c.rows[i][s];
    if (t === undefined) continue;
    const m = /\bBspIndex=(\d+) -> BSPHandler|\bBSP CPU(\d+)\b/.exec(t);
    if (m) return Number(m[1] ?? m[2]);
    if (/\bBspIndex=MAX_UINT32 -> APHandler|\bno (?:SMM )?BSP\b/i.test(t)) none = true;
  }
  return none ? 'none' : null;
}

const MONARCH_WORDS = /BspIndex|BSPHandler|APHandler|\bBSP CPU\d|monarch|\bno (?:SMM )?BSP\b/i;

function monarch(c: Ctx): Explanation | null {
  if (!MONARCH_WORDS.test(c.row.a ?? '') && !MONARCH_WORDS.test(c.row.b ?? '')) return null;
  // The phase's rows first: an AP that checks in before the monarch reads BspIndex = MAX_UINT32.
  const a = phaseMonarch(c, 'a') ?? monarchOf(c.row.a);
  const b = phaseMonarch(c, 'b') ?? monarchOf(c.row.b);
  if (a === null || b === null || a === b) return null;
  const name = (x: number | 'none') => (x === 'none' ? 'no CPU' : `CPU${x}`);
  return make(
    'monarch',
    `SMM BSP (monarch): ${name(a)} on A, ${name(b)} on B`,
    `The SMM BSP of this SMI is ${name(a)} on ${c.label.a} and ${name(b)} on ${c.label.b}. SmiRendezvous (UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c) asks PlatformSmmBspElection first: OVMF's (OvmfPkg/Library/SmmCpuPlatformHookLibQemu) answers from IA32_APIC_BASE.BSP, so CPU0 is the monarch of every SMI whichever CPU raised it; where the hook returns an error (the default library), the CPUs race with InterlockedCompareExchange32 on BspIndex and the first to check in wins, usually the CPU that wrote 0xB2. When only an AP takes the SMI on OVMF (unicast, not broadcast), no CPU becomes BSP: the AP waits in APHandler, gives up, and no MMI handler runs.`,
    ['smm-facts §12.1', 'smm-facts §8.2'],
  );
}

// -- SMI# to one CPU or to all (facts §4.4, §12.4) --

function deliveryOf(t: string | undefined): 'all' | 'one' | null {
  if (t === undefined) return null;
  if (/\bbroadcast SMI negotiated\b|SMI# latched on all \d+ CPUs|SMI# to every CPU/.test(t)) return 'all';
  if (/\bno broadcast\b|SMI# latched on CPU\d+ only|SMI# only to the CPU/.test(t)) return 'one';
  return null;
}

function smiDelivery(c: Ctx): Explanation | null {
  const a = deliveryOf(c.row.a);
  const b = deliveryOf(c.row.b);
  if (a === null || b === null) return null;
  if (a === b) {
    // The same delivery for other reasons (another chipset): each side's line says why.
    const cut = (t: string) => (t.length > 200 ? t.slice(0, 199) + '…' : t);
    return make(
      'smi-delivery',
      `SMI# goes to ${a === 'all' ? 'every CPU' : 'the writing CPU only'} on both, by each chipset's own rule`,
      `A (${c.A.spec}): "${cut(c.row.a!)}". B (${c.B.spec}): "${cut(c.row.b!)}". QEMU's ICH9 (hw/isa/lpc_ich9.c, ich9_apm_ctrl_changed) raises SMI# on every CPU only once OVMF has negotiated broadcast SMI (OvmfPkg/SmmControl2Dxe/SmiFeatures.c, NegotiateSmiFeatures), on the writing CPU otherwise; a chipset that always signals every thread needs no negotiation.`,
      ['smm-facts §4.4', 'smm-facts §12.4'],
    );
  }
  const one: Side = a === 'one' ? 'a' : 'b';
  return make(
    'smi-delivery',
    `SMI# goes to ${a === 'all' ? 'every CPU' : 'the writing CPU only'} on A, ${b === 'all' ? 'every CPU' : 'the writing CPU only'} on B`,
    `On ${c.label[one]} the write to APM_CNT raises SMI# on the CPU that executed the OUT only; on ${c.label[other(one)]} on every CPU. QEMU's ICH9 (hw/isa/lpc_ich9.c, ich9_apm_ctrl_changed) broadcasts SMI# only once OVMF has negotiated ICH9_LPC_SMI_F_BROADCAST (OvmfPkg/SmmControl2Dxe/SmiFeatures.c, NegotiateSmiFeatures); without it the other CPUs enter SMM late or not at all, and with OVMF's CPU0 monarch an SMI raised by an AP may find no BSP.`,
    ['smm-facts §4.4', 'smm-facts §12.4', 'smm-facts §12.1'],
  );
}

// -- PiSmmCpuDxeSmm's AP sync timeouts (facts §4.4, §12.6) --

const SYNC_TIMEOUT = /PcdCpuSmmApSyncTimeout2? \((\d+) µs\)/;

function syncTimeout(c: Ctx): Explanation | null {
  const a = c.row.a !== undefined ? SYNC_TIMEOUT.exec(c.row.a)?.[1] : undefined;
  const b = c.row.b !== undefined ? SYNC_TIMEOUT.exec(c.row.b)?.[1] : undefined;
  if (!a || !b || a === b) return null;
  return make(
    'sync-timeout',
    `PcdCpuSmmApSyncTimeout: ${a} µs on A, ${b} µs on B`,
    `The APs wait ${a} µs for the BSP on ${c.label.a} and ${b} µs on ${c.label.b}. OVMF's DSC sets PcdCpuSmmApSyncTimeout (and ...Timeout2) to 100000 µs; NegotiateSmiFeatures (OvmfPkg/SmmControl2Dxe/SmiFeatures.c) raises both to 1000000 µs when broadcast SMI was negotiated (and sets traditional sync mode). PiSmmCpuDxeSmm's APHandler and SmmWaitForApArrival (UefiCpuPkg/PiSmmCpuDxeSmm/MpService.c) wait that long.`,
    ['smm-facts §4.4', 'smm-facts §12.6'],
  );
}

// -- a different SwSmiCpuIndex (facts §9, §5.1) --

function cpuIndexOf(t: string | undefined): number | null {
  if (t === undefined) return null;
  const m = /\bSw[SM]miCpuIndex(?: =| is|:)? (?:CurrentlyExecutingCpu = )?(\d+)/.exec(t);
  return m ? Number(m[1]) : null;
}

function swCpuIndex(c: Ctx): Explanation | null {
  const a = cpuIndexOf(c.row.a);
  const b = cpuIndexOf(c.row.b);
  if (a === null || b === null || a === b) return null;
  return make(
    'sw-cpu-index',
    `SwSmiCpuIndex: CPU${a} on A, CPU${b} on B`,
    `The SW dispatcher tells its child which CPU wrote 0xB2 (EFI_SMM_SW_CONTEXT.SwSmiCpuIndex): CPU${a} on ${c.label.a}, CPU${b} on ${c.label.b}. A chipset dispatcher finds that CPU by asking every CPU's save state for the I/O that caused the SMI (ReadSaveState (EFI_SMM_SAVE_STATE_REGISTER_IO)) and taking the one whose OUT went to port 0xB2 (PchSmmSw.c PchSwSmiDispatcher; Quark's SwGetBuffer); the Intel save state records it in IOMisc. QEMU's save state never describes the OUT, so on OVMF ReadSaveState (IO) is EFI_NOT_FOUND for every CPU and a dispatcher falls back to the CPU running it (CurrentlyExecutingCpu, CPU0 on OVMF) or to 0.`,
    ['smm-facts §9', 'smm-facts §5.1', 'smm-facts §7.6'],
  );
}

// -- SmmControl2 Trigger's command value (facts §3.3, §4.2) --

const TRIGGER_OUT = /OUT 0xB2, (0x[0-9A-F]{2})\b.*Trigger/;

function triggerCommand(c: Ctx): Explanation | null {
  const a = c.row.a !== undefined ? TRIGGER_OUT.exec(c.row.a)?.[1] : undefined;
  const b = c.row.b !== undefined ? TRIGGER_OUT.exec(c.row.b)?.[1] : undefined;
  if (!a || !b || a === b) return null;
  const who = (v: string) => (v === '0x00' ? " (OVMF's SmmControl2DxeTrigger, OvmfPkg/SmmControl2Dxe/SmmControl2Dxe.c, writes 0 when CommandPort is NULL)" : v === '0xFF' ? " (an Intel PCH's SmmControl Activate, e.g. edk2-platforms AlderlakeSiliconPkg/Pch/SmmControl/RuntimeDxe/SmmControlDriver.c, writes 0xFF when CommandPort is NULL)" : '');
  return make(
    'trigger-command',
    `SmmControl2 Trigger writes ${a} to APM_CNT on A, ${b} on B`,
    `PiSmmIpl's Communicate raises its SMI with mSmmControl2->Trigger (NULL, NULL, FALSE, 0): no command value, and each platform's SmmControl2 picks one. ${c.label.a} writes ${a}${who(a)}; ${c.label.b} writes ${b}${who(b)}. A root MMI handler that reads 0xB2 therefore sees a different command on every Communicate SMI, and a SW dispatcher must never hand that value to a child.`,
    ['smm-facts §3.3', 'smm-facts §4.2'],
  );
}

// -- the save state (facts §7.4, §5.1, §6.1) --

const SAVE_STATE = /ReadSaveState|WriteSaveState|save state|state saved|registers reloaded from SMRAM|SMRAM_SAVE_STATE|SMMRevId|IO_DWord|IOMisc/;

function saveState(c: Ctx): Explanation | null {
  if (c.row.a === undefined || c.row.b === undefined) return null; // a line on one side only says nothing about the save state
  if (!SAVE_STATE.test(c.row.a) && !SAVE_STATE.test(c.row.b)) return null;
  const la = c.A.facts.layout;
  const lb = c.B.facts.layout;
  const status = (t: string | undefined) => (t ? /SaveState \([^)]*\) = (EFI_[A-Z_]+)/.exec(t)?.[1] : undefined);
  const sa = status(c.row.a);
  const sb = status(c.row.b);
  const parts: string[] = [];
  if (la !== lb) parts.push(`The CPUs write different save-state layouts: ${la} on ${c.label.a}, ${lb} on ${c.label.b}. The AMD64 map QEMU writes and Intel's SMRAM_SAVE_STATE_MAP64 put RIP, RAX, SMBASE and the control registers at other offsets, and record the I/O that caused the SMI differently (AMD: IO_DWord at 0x7EC0; Intel: IOMisc at 0x7FA4).`);
  else parts.push(`Both write ${la}; the values differ: what the CPU was doing when SMI# came, or what a handler wrote back with WriteSaveState (RSM reloads the registers from those SMRAM bytes, so a changed RAX is the handler's answer to the CPU it wrote).`);
  if (sa && sb && sa !== sb) parts.push(`Here the read returns ${sa} on A and ${sb} on B: on QEMU the IO pseudo-register reads IO_DWord, whose valid bit QEMU never sets, so AmdMmSaveState.c (UefiCpuPkg/Library/MmSaveStateLib) answers EFI_NOT_FOUND; IntelMmSaveState.c decodes IOMisc (SmiFlag, Length, Type, Port) and answers with the port and the saved RAX.`);
  return make('save-state', `save state: ${la === lb ? 'different saved values' : `${la} on A, ${lb} on B`}`, parts.join(' '), ['smm-facts §7.4', 'smm-facts §5.1']);
}

// -- a handler's (or an entry point's) status (facts §1.5) --

const RETURNED = /^(\S+) returned (EFI_[A-Z_]+)/;

function handlerStatus(c: Ctx): Explanation | null {
  const a = c.row.a !== undefined ? RETURNED.exec(c.row.a) : null;
  const b = c.row.b !== undefined ? RETURNED.exec(c.row.b) : null;
  if (!a || !b || a[1] !== b[1] || a[2] === b[2]) return null;
  const who = a[1].replace(/:$/, '');
  const entry = /: entry point$/.test(c.row.a!.split(' returned')[0]);
  const meaning: Record<string, string> = {
    EFI_SUCCESS: 'handled and quiesced: no other handler needs to run',
    EFI_WARN_INTERRUPT_SOURCE_QUIESCED: 'quiesced, other handlers should still run',
    EFI_WARN_INTERRUPT_SOURCE_PENDING: 'still pending, other handlers should still run',
    EFI_INTERRUPT_PENDING: 'could not be quiesced',
    EFI_NOT_FOUND: 'nothing to do for it',
  };
  const m = (s: string) => (meaning[s] ? ` (${meaning[s]})` : '');
  const body = entry
    ? `${who} returns ${a[2]} on ${c.label.a} and ${b[2]} on ${c.label.b}. An SMM driver whose entry point returns an error is unloaded by SmmDispatcher (MdeModulePkg/Core/PiSmmCore/Dispatcher.c), and whatever it registered is gone with it.`
    : `${who} returns ${a[2]}${m(a[2])} on ${c.label.a} and ${b[2]}${m(b[2])} on ${c.label.b}. SmiManage (MdeModulePkg/Core/PiSmmCore/Smi.c) walks every root handler whatever they return, but folds the statuses into what it returns; a GUID handler's EFI_SUCCESS ends its walk.`;
  return make('handler-status', `${who} returns ${a[2]} on A, ${b[2]} on B`, body, entry ? ['smm-facts §1.9'] : ['smm-facts §1.5']);
}

// -- the same line with other statuses (facts §2) --

function statusOnly(c: Ctx): Explanation | null {
  if (c.row.a === undefined || c.row.b === undefined) return null;
  const st = (t: string) => t.match(/\b(?:EFI|RETURN)_[A-Z_]+\b/g) ?? [];
  const a = st(c.row.a);
  const b = st(c.row.b);
  const rest = (t: string) => normalise(t).replace(/\b(?:EFI|RETURN)_[A-Z_]+\b/g, 'S');
  if (a.length === 0 || a.length !== b.length || a.join() === b.join() || rest(c.row.a) !== rest(c.row.b)) return null;
  const diff = a.map((s, i) => [s, b[i]] as const).find(([x, y]) => x !== y)!;
  return make('status', `${diff[0]} on A, ${diff[1]} on B`, `The same step returns ${diff[0]} on ${c.label.a} and ${diff[1]} on ${c.label.b} (the rest of the line reads the same).`, ['smm-facts §2']);
}

// -- the fallback --

function plain(c: Ctx): Explanation {
  const cut = (t: string) => (t.length > 160 ? t.slice(0, 159) + '…' : t);
  if (c.row.a !== undefined && c.row.b !== undefined) {
    return make('plain', `A and B differ in ${c.phase.title}`, `A: ${cut(c.row.a)} / B: ${cut(c.row.b)}`, []);
  }
  const s: Side = c.row.a !== undefined ? 'a' : 'b';
  const where = c.phase.only ? ` (the phase "${c.phase.title}" exists on ${upper(s)} only)` : '';
  return make('plain', `only on ${upper(s)}: ${cut(text(c, s)!)}`, `Only ${c.label[s]} has this line${where}: ${cut(text(c, s)!)}`, []);
}

/** The explainers in the order they are tried (the first that matches explains). */
export const EXPLAINERS: { id: ExplainerId; explain: (c: Ctx) => Explanation | null }[] = [
  { id: 'platform', explain: platform },
  { id: 'locate', explain: locate },
  { id: 'hang', explain: hang },
  { id: 'module-loaded', explain: moduleLoaded },
  { id: 'monarch', explain: monarch },
  { id: 'sync-timeout', explain: syncTimeout },
  { id: 'sw-cpu-index', explain: swCpuIndex },
  { id: 'trigger-command', explain: triggerCommand },
  { id: 'smi-delivery', explain: smiDelivery },
  { id: 'save-state', explain: saveState },
  { id: 'handler-status', explain: handlerStatus },
  { id: 'status', explain: statusOnly },
];

/** Explains the difference in `input.row` (always answers: the last resort is the plain "A: ... / B: ..."). */
export function explain(input: ExplainInput): Explanation {
  const c: Ctx = { ...input, label: { a: `A (${input.A.spec})`, b: `B (${input.B.spec})` }, side: { a: input.A, b: input.B } };
  for (const e of EXPLAINERS) {
    const r = e.explain(c);
    if (r) return r;
  }
  return plain(c);
}
