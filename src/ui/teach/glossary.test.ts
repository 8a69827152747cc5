import { describe, expect, it } from 'vitest';
import { GLOSSARY, GLOSSARY_BY_ID, findTerm, glossarySorted } from './glossary';
import { segmentText, termIdOf } from './glossaryMatch';

const terms = (text: string) => segmentText(text, false).filter((s) => typeof s !== 'string').map((s) => (s as { id: string }).id);

describe('glossary data', () => {
  it('§12 every term has a definition of one to three sentences, and a source', () => {
    for (const t of GLOSSARY) {
      expect(t.def.length, t.id).toBeGreaterThan(20);
      const sentences = t.def.split(/[.!?](?:\s|$)/).filter((s) => s.trim().length > 0);
      expect(sentences.length, t.id).toBeLessThanOrEqual(4);
      expect(t.source, t.id).toBeTruthy();
    }
  });
  it('§12 ids are unique and no name or alias collides (ignoring case)', () => {
    expect(GLOSSARY_BY_ID.size).toBe(GLOSSARY.length);
    const seen = new Map<string, string>();
    for (const t of GLOSSARY) {
      for (const n of [t.term, ...t.aliases]) {
        const k = n.toLowerCase();
        expect(seen.get(k), `${n} in ${t.id} and ${seen.get(k)}`).toBeUndefined();
        seen.set(k, t.id);
      }
    }
  });
  it('§12 every see-also resolves to another term', () => {
    for (const t of GLOSSARY) {
      for (const s of t.see) {
        expect(GLOSSARY_BY_ID.has(s), `${t.id} -> ${s}`).toBe(true);
        expect(s).not.toBe(t.id);
      }
    }
  });
  it('§12 the terms the issue names are all there', () => {
    const must = [
      'SMI', 'SMI#', 'SMM', 'SMRAM', 'TSEG', 'SMBASE', 'save state', 'RSM', 'BSP', 'AP', 'monarch', 'rendezvous', 'APM_CNT', 'APM_STS',
      'root MMI handler', 'GUID MMI handler', 'MmiManage', 'SmiManage', 'Communicate', 'CommBuffer', 'depex', 'SMST', 'protocol database',
      'ReadyToLock', 'EndOfDxe', 'SmmEntryPoint', 'PiSmmCore', 'PiSmmCpuDxeSmm', 'PiSmmIpl', 'OVMF', 'QEMU', 'Q35', 'ICH9', 'PCH', 'IOMisc',
      'SwSmiCpuIndex', 'EFI_MM_SW_DISPATCH_PROTOCOL', 'traditional sync', 'relaxed sync', 'broadcast SMI', 'unicast SMI', 'SMI IPI',
      'SMBASE relocation', 'default SMBASE', 'SMI_EN', 'SMI_LOCK', 'EOS', 'CpuHotplugSmm', 'QUIESCED', 'EFI_STATUS', 'ASSERT', 'DXE', 'PEI',
      'HOB', 'fw_cfg', 'debugcon', 'SMM-C', 'MSR_SMI_COUNT',
    ];
    for (const m of must) expect(findTerm(m), m).toBeDefined();
    // The aliases the issue asks for.
    expect(findTerm('MMI')?.id).toBe('smi');
    expect(findTerm('MMST')?.id).toBe('smst');
    expect(findTerm('SMM BSP')?.id).toBe('monarch');
  });
  it('§12 the list is sorted A-Z ignoring case', () => {
    const names = glossarySorted().map((t) => t.term.toLowerCase());
    expect(names[0] <= names[1]).toBe(true);
  });
});

describe('finding terms in text', () => {
  it('§1.5 the longest name wins and words are whole', () => {
    expect(terms('SMI# delivery')).toEqual(['smi-pin']);
    expect(terms('SMI_EN and SMI_LOCK')).toEqual(['smi-en', 'smi-lock']);
    expect(terms('BSPHandler runs')).toEqual(['monarch']);
    expect(terms('EFI_WARN_INTERRUPT_SOURCE_QUIESCED')).toEqual(['quiesced']);
    expect(terms('SMBASE relocation of the default SMBASE')).toEqual(['smbase-relocation', 'default-smbase']);
    expect(terms('APIC ID')).toEqual([]);
  });
  it('§12.1 lower-case words match with a capital, plurals match, acronyms keep their case', () => {
    expect(terms('Save state · CPU 0')).toEqual(['save-state']);
    expect(terms('the save states')).toEqual(['save-state']);
    expect(terms('63 APs waiting')).toEqual(['ap']);
    expect(terms('an ap')).toEqual([]);
    expect(termIdOf('Root MMI handlers')).toBe('root-handler');
  });
  it('§12 once: only the first mention of a term is marked', () => {
    const seg = segmentText('SMI then SMI again', true);
    expect(seg.filter((s) => typeof s !== 'string')).toHaveLength(1);
    expect(seg.map((s) => (typeof s === 'string' ? s : s.text)).join('')).toBe('SMI then SMI again');
  });
});
