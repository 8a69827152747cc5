import { describe, expect, it } from 'vitest';
import { firmwareFrameOwner, frameFunction } from './frames';

describe('firmware frames of a C call stack (issue 7 §3: SmiRendezvous > BSPHandler > SmmEntryPoint > MmiManage > MyHandler)', () => {
  it('names PiSmmCore and PiSmmCpuDxeSmm functions by their module', () => {
    expect(firmwareFrameOwner('SmiManage')?.name).toBe('PiSmmCore');
    expect(firmwareFrameOwner('SmmEntryPoint')?.name).toBe('PiSmmCore');
    expect(firmwareFrameOwner('BSPHandler')?.name).toBe('PiSmmCpuDxeSmm');
    expect(firmwareFrameOwner('SmiRendezvous')?.where).toMatch(/UefiCpuPkg\/PiSmmCpuDxeSmm/);
  });

  it('a frame that carries its module in parentheses keeps it; an unknown one has none', () => {
    const fn = 'SmmCommunicationCommunicate (PiSmmIpl, outside SMM)';
    expect(firmwareFrameOwner(fn)?.name).toBe('PiSmmIpl');
    expect(frameFunction(fn)).toBe('SmmCommunicationCommunicate');
    expect(firmwareFrameOwner('Mystery')).toBeNull();
  });
});
