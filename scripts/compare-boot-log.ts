/**
 * Compares the SMM-related lines of the model's boot log with a real OVMF DEBUG log (debugcon):
 *
 *   npx tsx scripts/compare-boot-log.ts REAL_LOG [--cpus N] [--all]
 *
 * REAL_LOG is a plain debugcon log of an OVMF boot of the edk2 version SmiScope follows (QEMU q35,
 * smm=on, 4 CPUs). Both logs are filtered to the lines SMM code (or PiSmmIpl / SmmControl2Dxe about
 * SMM) prints, aligned as a longest common subsequence, and compared three ways: identical,
 * the same text with other numbers (addresses, sizes), or only in one log. `--all` lists every
 * line; without it the identical ones are counted only. The README's "Boot log vs a real OVMF
 * boot" explains the differences.
 */

import { readFileSync } from 'node:fs';
import { NOTE_PREFIX } from '../src/core/machine/Debugcon';
import { bootOvmf, createOvmfMachine } from '../src/core/system/OvmfBoot';
import { ovmfConfig } from '../src/core/profiles/ovmf';

const args = process.argv.slice(2);
const file = args.find((a) => !a.startsWith('--'));
if (!file) {
  console.error('usage: npx tsx scripts/compare-boot-log.ts REAL_LOG [--cpus N] [--all]');
  process.exit(2);
}
const cpusAt = args.indexOf('--cpus');
const cpus = cpusAt >= 0 ? Number(args[cpusAt + 1]) : 4;
const all = args.includes('--all');

/** GUIDs of the protocols SMM code or the SMM IPL install in the UEFI database (InstallProtocolInterface lines). */
const SMM_UEFI_GUIDS = [
  '843DC720', // gEfiSmmControl2ProtocolGuid (SmmControl2Dxe)
  'F4CCBFB7', // gEfiSmmBase2ProtocolGuid
  'C68ED8E2', // gEfiSmmCommunicationProtocolGuid
  '378DAEDC', // gEfiMmCommunication2ProtocolGuid
  'F7234A14', // gEfiMmCommunication3ProtocolGuid
  '26EEB3DE', // gEfiSmmConfigurationProtocolGuid (PiSmmCpuDxeSmm)
  'ED32D533', // gEfiSmmVariableProtocolGuid (VariableSmm, NULL)
  '93BA1826', // gSmmVariableWriteGuid
  '3868FC3B', // gEfiSmmFaultTolerantWriteProtocolGuid
  '60FF8964', // gEfiDxeSmmReadyToLockProtocolGuid
];

const SMM_LINE = [
  /^SMM IPL /, /^SMRAM /, /^PiSmmCore/, /^SmmAddMemoryRegion/, /^ {2}(MemBase {4}|MemLength {2}|Type {7}|Attributes )- /, /^mSmmMemLibInternalMaximumSupportAddress/,
  /^SmmInstallProtocolInterface: /, /^Loading SMM driver /, /^SMM Driver .* was discovered but not loaded/, /^NegotiateSmiFeatures/,
  /^CPU\[[0-9A-F]{3}\]/, /^SmmRelocationInit/, /^CreateSmmBaseHob/, /^SmmLockBox/, /^Variable driver /, /^\[Variable\]/, /^Variable Driver Auto Update/,
  /^VarCheckLib/, /^Ftw: /, /^QEMU Flash/, /^QemuFlashDetected/, /^Installing QEMU flash SMM FVB/, /^NOTICE - AuthVariableLib/, /^Initialize variable error flag/,
  /^SmmEndOfDxeHandler/, /^SMM - /, /^SmbaseAllocatePostSmmPen/, /^FindSmramInfo/, /^Stacks {2,}/, /^mSmmStackSize/, /^PcdCpuSmm/, /^One Semaphore/,
  /^Total Semaphores/, /^PhysicalAddressBits/, /^5LevelPaging/, /^1GPageTable/, /^Initialize IDT IST/, /^mXdSupported/, /^CpuSmm: /, /^SMM CPU Module/,
  /^mAddressEncMask/, /^PcdControlFlowEnforcement/, /^GetUefiMemoryMap/, /^UpdateUefiMemMapAttributes/, /^SMM: /, /^ASSERT/,
];

function smmLines(lines: string[]): string[] {
  return lines.filter((l) => SMM_LINE.some((r) => r.test(l)) || (l.startsWith('InstallProtocolInterface: ') && SMM_UEFI_GUIDS.some((g) => l.includes(g))));
}

/** The same line with its numbers replaced: "same text, other numbers". */
const shape = (l: string) => l.replace(/\b(0x)?[0-9A-F]{3,}\b/gi, '#');

const real = smmLines(readFileSync(file, 'utf8').split(/\r?\n/).map((l) => l.replace(/\r$/, '')));
const m = createOvmfMachine(ovmfConfig({ cpus }));
const g = bootOvmf(m);
while (!g.next().done) {
  /* the whole boot */
}
const model = smmLines(m.s.serial.lines.filter((l) => !l.startsWith(NOTE_PREFIX)));

// LCS on the shapes, then classify.
const n = real.length;
const k = model.length;
const D: Int32Array[] = Array.from({ length: n + 1 }, () => new Int32Array(k + 1));
for (let i = n - 1; i >= 0; i--) for (let j = k - 1; j >= 0; j--) D[i][j] = shape(real[i]) === shape(model[j]) ? D[i + 1][j + 1] + 1 : Math.max(D[i + 1][j], D[i][j + 1]);
const out: string[] = [];
let same = 0;
let numbers = 0;
let onlyReal = 0;
let onlyModel = 0;
for (let i = 0, j = 0; i < n || j < k; ) {
  if (i < n && j < k && shape(real[i]) === shape(model[j])) {
    if (real[i] === model[j]) {
      same++;
      if (all) out.push(`  = ${real[i]}`);
    } else {
      numbers++;
      out.push(`  ~ real:  ${real[i]}`, `    model: ${model[j]}`);
    }
    i++;
    j++;
  } else if (j >= k || (i < n && D[i + 1][j] >= D[i][j + 1])) {
    onlyReal++;
    out.push(`  - ${real[i++]}`);
  } else {
    onlyModel++;
    out.push(`  + ${model[j++]}`);
  }
}
console.log(`SMM-related lines: real log ${n}, model ${k} (${cpus} CPUs)`);
console.log(`identical ${same}; same text with other numbers ${numbers} (~); only in the real log ${onlyReal} (-); only in the model ${onlyModel} (+)`);
console.log(out.join('\n'));
