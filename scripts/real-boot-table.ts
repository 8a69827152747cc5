/**
 * Builds src/core/profiles/OvmfBootRequests.ts, the table of Communicate requests the `ovmf`
 * platform's DXE phase replays, from two reference logs of real OVMF boots:
 *
 *   npx tsx scripts/real-boot-table.ts HEAD_SMIDBG_LOG TSV_2022_11 > src/core/profiles/OvmfBootRequests.ts
 *
 * HEAD_SMIDBG_LOG: a DEBUG OVMF boot at the edk2 commit the model follows (c5aa7e7d94c0) under QEMU 7.2,
 *   with one "[SMIDBG]" line per Communicate added in MdeModulePkg/Core/PiSmmCore/PiSmmIpl.c
 *   (GUID, MessageLength or V3 MessageSize, buffer size). It has no variable names.
 * TSV_2022_11: the same kind of table for an edk2-stable202211 boot (Debian's OVMF), which does name
 *   the variable function and variable of every request.
 *
 * Naming rules, strictest first (the `basis` column says which one named a row):
 *   log    the GUID in the HEAD log says what it is (DXE dispatch, EndOfDxe, ReadyToLock, ReadyToBoot).
 *   tsv    positional match with the 2022.11 table: same GUID and size, inside a run of >= 3 such
 *          matches in a row (a longest-common-subsequence alignment of the two boots).
 *   gap    between two tsv runs, both boots have the same number of requests: row k of one is row k
 *          of the other when the 2022.11 row is a GET/SET whose name fits the HEAD size (the data
 *          size differs between the versions, e.g. a boot option's device path).
 *   probe  the row after a named GetVariable with DataSize 0 (a size probe, as MdePkg UefiLib's
 *          GetVariable2 sends) is the read of the same variable when a tsv/gap row of this boot
 *          shows that variable with exactly this size.
 *   repeat an unnamed run of >= 4 requests with exactly the sizes of an earlier, fully named run of
 *          this boot repeats that run (e.g. the console variables BDS re-reads after ReadyToBoot).
 *   size   only one variable function has a message this size (READY_TO_BOOT 0x10, GET_PAYLOAD_SIZE
 *          0x18, a GetNextVariableName walk start with a 2-byte name buffer 0x2A).
 *   walk   GetNextVariableName: the name is not a table fact, the caller passes back the previous answer.
 *   code   VarCheckPolicy requests: the 2022.11 table does not name them either; the variable comes
 *          from the upstream caller the HEAD log shows next to it (PcRtcEntry.c, BdsEntry.c, BmLoadOption.c).
 *   none   nothing above applies: the variable is "unnamed".
 */

import { readFileSync } from 'node:fs';

const [headPath, tsvPath] = process.argv.slice(2);
if (!headPath || !tsvPath) {
  console.error('usage: npx tsx scripts/real-boot-table.ts HEAD_SMIDBG_LOG TSV_2022_11');
  process.exit(2);
}

const GUID_KIND: Record<string, string> = {
  'ED32D533-99E6-4209-9CC0-2D72CDD998A7': 'var', // gEfiSmmVariableProtocolGuid
  'DA1B0D11-D1A7-46C4-9DC9-F3714875C6EB': 'policy', // gVarCheckPolicyLibMmiHandlerGuid
  '7081E22F-CAC6-4053-9468-675782CF88E5': 'dispatch', // gEfiEventDxeDispatchGuid
  '02CE967A-DD7E-4FFC-9EE7-810CF0470880': 'endofdxe', // gEfiEndOfDxeEventGroupGuid
  '60FF8964-E906-41D0-AFED-F241E974E08E': 'readytolock', // gEfiDxeSmmReadyToLockProtocolGuid
  '7CE88FB3-4BD7-4679-87A8-A8D8DEE50D2B': 'readytoboot', // gEfiEventReadyToBootGuid
};
const TSV_KIND: Record<string, string> = {
  gEfiSmmVariableProtocolGuid: 'var',
  gVarCheckPolicyLibMmiHandlerGuid: 'policy',
  gEfiEventDxeDispatchGuid: 'dispatch',
  gEfiEndOfDxeEventGroupGuid: 'endofdxe',
  gEfiDxeSmmReadyToLockProtocolGuid: 'readytolock',
  gEfiEventReadyToBootGuid: 'readytoboot',
};

interface Row {
  kind: string;
  size: number;
  v3: boolean;
  fn: string;
  name: string;
  basis: string;
}

// HEAD: every SMI-raising Communicate, in order (the DIRECT one before the entry point is registered is no SMI).
const head: Row[] = [];
for (const line of readFileSync(headPath, 'utf8').split('\n')) {
  let m = /\[SMIDBG\] SMI Communicate3 (\S+) MessageSize (0x[0-9A-F]+)/.exec(line);
  if (m) {
    head.push({ kind: GUID_KIND[m[1]], size: parseInt(m[2], 16), v3: true, fn: '?', name: 'unnamed', basis: 'none' });
    continue;
  }
  m = /\[SMIDBG\] SMI Communicate (\S+) len (0x[0-9A-F]+)/.exec(line);
  if (m) head.push({ kind: GUID_KIND[m[1]], size: parseInt(m[2], 16), v3: false, fn: '?', name: 'unnamed', basis: 'none' });
}
if (head.some((r) => !r.kind)) throw new Error('unknown GUID in the HEAD log');

interface Ref {
  kind: string;
  fn: string;
  name: string;
  size: number;
}
const ref: Ref[] = [];
for (const [i, line] of readFileSync(tsvPath, 'utf8').split('\n').entries()) {
  const f = line.split('\t');
  if (i === 0 || f.length < 6 || f[1] !== 'SMI') continue;
  ref.push({ kind: TSV_KIND[f[2]], fn: f[3], name: f[4], size: parseInt(f[5], 16) });
}

const nameSize = (name: string) => 2 * (name.length + 1);
const ACCESS = 16 + 36; // SMM_VARIABLE_COMMUNICATE_HEADER + OFFSET_OF (ACCESS_VARIABLE, Name)
const fits = (r: Ref, size: number) => (r.fn === 'GET_VARIABLE' || r.fn === 'SET_VARIABLE') && r.name !== '' && ACCESS + nameSize(r.name) <= size;

// 1. Longest common subsequence on (kind, size); keep runs of >= 3.
const n = head.length;
const mm = ref.length;
const eq = (i: number, j: number) => head[i].kind === ref[j].kind && head[i].size === ref[j].size;
const D: Int32Array[] = Array.from({ length: n + 1 }, () => new Int32Array(mm + 1));
for (let i = n - 1; i >= 0; i--) for (let j = mm - 1; j >= 0; j--) D[i][j] = eq(i, j) ? D[i + 1][j + 1] + 1 : Math.max(D[i + 1][j], D[i][j + 1]);
const pairs: [number, number][] = [];
for (let i = 0, j = 0; i < n && j < mm; ) {
  if (eq(i, j) && D[i][j] === D[i + 1][j + 1] + 1) pairs.push([i++, j++]);
  else if (D[i + 1][j] >= D[i][j + 1]) i++;
  else j++;
}
const anchor: [number, number][] = [];
for (let k = 0; k < pairs.length; ) {
  let l = k;
  while (l + 1 < pairs.length && pairs[l + 1][0] === pairs[l][0] + 1 && pairs[l + 1][1] === pairs[l][1] + 1) l++;
  if (l - k + 1 >= 3) anchor.push(...pairs.slice(k, l + 1));
  k = l + 1;
}
const take = (i: number, r: Ref, basis: string) => {
  const h = head[i];
  if (h.kind === 'var') {
    h.fn = r.fn;
    h.name = r.fn === 'GET_NEXT_VARIABLE_NAME' ? '(walk)' : r.name || '-';
  }
  h.basis = basis;
};
for (const [i, j] of anchor) take(i, ref[j], 'tsv');

// 2. Equal-length gaps between anchors.
for (let k = 0; k + 1 < anchor.length; k++) {
  const [a, c] = anchor[k];
  const [b, d] = anchor[k + 1];
  if (b - a !== d - c || b - a < 2) continue;
  let ok = true;
  for (let t = 1; t < b - a; t++) {
    const h = head[a + t];
    const r = ref[c + t];
    if (h.kind !== r.kind || (h.kind === 'var' && !fits(r, h.size))) ok = false;
  }
  if (ok) for (let t = 1; t < b - a; t++) take(a + t, ref[c + t], 'gap');
}

// 3. Core events are named by their GUID.
for (const h of head) if (h.kind !== 'var' && h.kind !== 'policy') h.basis = 'log';

// 4..6 repeated until nothing changes: probe, repeat.
const named = (h: Row) => h.kind !== 'var' || h.fn !== '?';
for (let changed = true; changed; ) {
  changed = false;
  for (let i = 1; i < n; i++) {
    const p = head[i - 1];
    const h = head[i];
    const seen = () => head.some((o, j) => j !== i && o.name === p.name && (o.basis === 'tsv' || o.basis === 'gap') && o.size === h.size);
    if (h.kind === 'var' && !named(h) && p.kind === 'var' && p.fn === 'GET_VARIABLE' && p.name !== 'unnamed' && p.size === ACCESS + nameSize(p.name) && h.size > p.size && seen()) {
      h.fn = 'GET_VARIABLE';
      h.name = p.name;
      h.basis = 'probe';
      changed = true;
    }
  }
  for (let p = 0; p < n; ) {
    if (named(head[p])) {
      p++;
      continue;
    }
    let best = 0;
    let from = -1;
    for (let L = Math.min(40, n - p); L >= 4 && best === 0; L--) {
      for (let q = p - L; q >= 0; q--) {
        let ok = true;
        for (let t = 0; t < L && ok; t++) ok = head[q + t].kind === head[p + t].kind && head[q + t].size === head[p + t].size && named(head[q + t]) && head[q + t].basis !== 'none';
        if (ok) {
          best = L;
          from = q;
          break;
        }
      }
    }
    if (best === 0) {
      p++;
      continue;
    }
    for (let t = 0; t < best; t++) {
      const h = head[p + t];
      if (named(h)) continue;
      h.fn = head[from + t].fn;
      h.name = head[from + t].name;
      h.basis = 'repeat';
      changed = true;
    }
    p += best;
  }
}

// 7. Sizes only one function can have; GetNextVariableName runs.
for (const h of head) {
  if (h.kind !== 'var' || named(h)) continue;
  if (h.size === 0x10) Object.assign(h, { fn: 'READY_TO_BOOT', name: '-', basis: 'size' });
  else if (h.size === 0x18) Object.assign(h, { fn: 'GET_PAYLOAD_SIZE', name: '-', basis: 'size' });
  else if (h.size < ACCESS + 2) Object.assign(h, { fn: 'GET_NEXT_VARIABLE_NAME', name: '(walk)', basis: 'size' });
}
for (const h of head) if (h.fn === 'GET_NEXT_VARIABLE_NAME' && h.basis === 'tsv') h.basis = 'walk';

// 8. VarCheckPolicy registrations, by the caller the log shows around them.
const policyNames = ['RTCALARM', 'RTC', 'PlatformLangCodes', 'LangCodes', 'BootOptionSupport', 'HwErrRecSupport', 'OsIndicationsSupported', 'PlatformRecovery0000'];
let pk = 0;
for (const h of head) {
  if (h.kind !== 'policy') continue;
  Object.assign(h, { fn: 'REGISTER', name: policyNames[pk++] ?? 'unnamed', basis: 'code' });
}
if (pk !== policyNames.length) throw new Error(`expected ${policyNames.length} VarCheckPolicy requests, found ${pk}`);

// Vendor GUIDs by name (upstream .dec / .inf files), as short keys the model resolves.
function vendor(h: Row): string {
  if (h.kind !== 'var' && h.kind !== 'policy') return '-';
  if (h.fn !== 'GET_VARIABLE' && h.fn !== 'SET_VARIABLE' && h.fn !== 'REGISTER') return '-';
  const nm = h.name;
  if (nm === 'unnamed') return '?';
  if (nm === 'RTC' || nm === 'RTCALARM') return 'pcrtc';
  if (nm === 'MTC') return 'mtc';
  if (nm === 'PlatformConfig') return 'ovmfplatformconfig';
  if (nm === 'MemoryTypeInformation') return 'memorytypeinfo';
  return 'global';
}

const counts: Record<string, number> = {};
for (const h of head) counts[h.basis] = (counts[h.basis] ?? 0) + 1;
const kinds: Record<string, number> = {};
for (const h of head) kinds[h.kind] = (kinds[h.kind] ?? 0) + 1;

const out: string[] = [];
out.push('/**');
out.push(' * GENERATED by scripts/real-boot-table.ts - do not edit by hand.');
out.push(' *');
out.push(' * Every Communicate SMI of a real OVMF boot, in order: a DEBUG build of edk2 at commit c5aa7e7d94c0');
out.push(' * (the version SmiScope models) under QEMU 7.2 TCG, 4 CPUs, q35, 2 GiB, booted to BDS, logged with one line');
out.push(' * per Communicate added to MdeModulePkg/Core/PiSmmCore/PiSmmIpl.c. That log gives the GUID and the size');
out.push(' * of each request but no variable names; names come from an edk2-stable202211 boot of the same machine');
out.push(' * where the rules of scripts/real-boot-table.ts say the request clearly matches (column `basis`).');
out.push(` * Requests: ${Object.entries(kinds).map(([k, v]) => `${k} ${v}`).join(', ')}; total ${head.length}.`);
out.push(` * Naming basis: ${Object.entries(counts).map(([k, v]) => `${k} ${v}`).join(', ')}.`);
out.push(' *');
out.push(' * Columns: SMI number, kind, function (variable function / VarCheckPolicy command), variable name,');
out.push(' * vendor GUID key, size (V3 MessageSize for variable requests, which go through');
out.push(' * EFI_MM_COMMUNICATION3_PROTOCOL; MessageLength of the legacy header otherwise), naming basis.');
out.push(' */');
out.push('export const OVMF_BOOT_REQUESTS = `');
for (const [i, h] of head.entries()) {
  out.push([i + 1, h.kind, h.kind === 'var' || h.kind === 'policy' ? h.fn : '-', h.kind === 'var' || h.kind === 'policy' ? h.name : '-', vendor(h), '0x' + h.size.toString(16).toUpperCase(), h.basis].join(' '));
}
out.push('`;');
process.stdout.write(out.join('\n') + '\n');
process.stderr.write(`rows ${head.length}; ${JSON.stringify(kinds)}; basis ${JSON.stringify(counts)}\n`);
