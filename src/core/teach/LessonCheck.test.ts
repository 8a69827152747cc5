/**
 * The check language of lesson questions (README "Lessons: checks"): paths into `state --json`,
 * the operators, numbers against "0x.." strings, the learner's answer, the log and the output.
 */
import { describe, expect, it } from 'vitest';
import { Session } from '../console/Session';
import { stateJson } from '../console/StateJson';
import type { Check } from './Lesson';
import { answerCpu, answerNumber, type CheckContext, evaluateCheck, evaluateChecks, followPath, parseCheck } from './LessonCheck';

const check = (t: string): Check => {
  const r = parseCheck(t);
  if (!r.ok) throw new Error(r.error);
  return r.check;
};

const STATE = {
  cpus: [
    { index: 0, rax: '0x0', smbase: '0x7EFF9000' },
    { index: 1, rax: '0x1F', smbase: '0x7EFFB000' },
  ],
  modules: [
    { name: 'SwDispatch2Locate', state: 'failed' },
    { name: 'SwDispatch2Depex', state: 'dependent' },
  ],
  handlers: { sw: [{ value: '0x01' }, { value: '0x05' }] },
  lastSmi: { bsp: 0, cpu: 1, command: '0x05', phasesRun: ['trigger', 'rendezvous'], note: 'QUIESCED: no handler' },
  smram: { locked: true },
};
const ctx = (answer: string | null = null, extra: Partial<CheckContext> = {}): CheckContext => ({ state: STATE, log: [], output: [], answer, ...extra });
const holds = (t: string, answer: string | null = null, extra: Partial<CheckContext> = {}) => evaluateCheck(check(t), ctx(answer, extra)).ok;

describe('lesson checks: parsing', () => {
  it('checks: paths with fields, indexes (negative from the end) and [key=value] selectors', () => {
    const c = check('state modules[name=SwDispatch2Depex].state == "dependent"');
    expect(c).toMatchObject({ source: 'state', op: '==', path: [{ kind: 'field', name: 'modules' }, { kind: 'select', key: 'name', value: 'SwDispatch2Depex' }, { kind: 'field', name: 'state' }] });
    expect(followPath(STATE, (check('state cpus[-1].rax == 0') as Extract<Check, { source: 'state' }>).path)).toBe('0x1F');
    expect(followPath(STATE, (check('state modules[name="SwDispatch2Locate"] == 0') as Extract<Check, { source: 'state' }>).path)).toEqual(STATE.modules[0]);
  });

  it('checks: bad expressions say what is wrong', () => {
    const err = (t: string) => {
      const r = parseCheck(t);
      return r.ok ? '' : r.error;
    };
    expect(err('state lastSmi.bsp')).toMatch(/expected `state PATH OP VALUE`/);
    expect(err('state lastSmi..bsp == 0')).toMatch(/expected a field name/);
    expect(err('state cpus[x] == 0')).toMatch(/neither an index nor a \[key=value\] selector/);
    expect(err('state lastSmi.bsp == CPU0')).toMatch(/is not a value/);
    expect(err('state lastSmi.bsp == answer.cpus')).toMatch(/`answer`, `answer.cpu` or `answer.number`/);
    expect(err('state lastSmi.note matches "x"')).toMatch(/`matches` takes a \/regex\//);
    expect(err('state lastSmi.note == /x/')).toMatch(/a \/regex\/ goes with `matches`/);
    expect(err('log contains 3')).toMatch(/takes a "quoted text"/);
    expect(err('log has "x"')).toMatch(/expected `log contains "TEXT"`/);
  });
});

describe('lesson checks: evaluation', () => {
  it('checks: == and != on numbers, strings and booleans', () => {
    expect(holds('state lastSmi.bsp == 0')).toBe(true);
    expect(holds('state lastSmi.bsp != 0')).toBe(false);
    expect(holds('state smram.locked == true')).toBe(true);
    expect(holds('state modules[name=SwDispatch2Depex].state == "dependent"')).toBe(true);
    expect(holds('state modules[name=swdispatch2depex].state == "dependent"')).toBe(true); // a selector falls back to any case
    expect(holds('state modules[name=SwDispatch2Locate].state == "dispatched"')).toBe(false);
  });

  it('checks: a 0x.. number is compared with hex strings by value', () => {
    expect(holds('state lastSmi.command == 0x05')).toBe(true);
    expect(holds('state lastSmi.command == 5')).toBe(true);
    expect(holds('state lastSmi.command == 0x5')).toBe(true);
    expect(holds('state cpus[1].rax == 0x1f')).toBe(true);
    expect(holds('state cpus[1].rax == 31')).toBe(true);
    expect(holds('state lastSmi.command == "0x5"')).toBe(false); // a quoted string is compared as text
    expect(holds('state cpus[1].smbase > 0x7EFF9000')).toBe(true);
    expect(holds('state cpus[1].smbase <= 0x7EFF9000')).toBe(false);
  });

  it('checks: contains (an array element or a substring) and matches', () => {
    expect(holds('state lastSmi.phasesRun contains "rendezvous"')).toBe(true);
    expect(holds('state lastSmi.phasesRun contains "rsm"')).toBe(false);
    expect(holds('state handlers.sw contains "0x05"')).toBe(true); // an object element whose JSON holds the text
    expect(holds('state lastSmi.note contains "QUIESCED"')).toBe(true);
    expect(holds('state lastSmi.note matches /^quiesced/i')).toBe(true);
    expect(holds('state lastSmi.note matches /^no handler/')).toBe(false);
  });

  it('checks: answer, answer.cpu ("CPU 2" gives 2) and answer.number (hex or decimal)', () => {
    expect(answerCpu('CPU 2')).toBe(2);
    expect(answerCpu('cpu#3')).toBe(3);
    expect(answerCpu('1')).toBe(1);
    expect(answerCpu('the first')).toBe(null);
    expect(answerNumber('0x1F')).toBe(31n);
    expect(answerNumber(' 31 ')).toBe(31n);
    expect(answerNumber('1Fh')).toBe(null);
    expect(holds('state lastSmi.bsp == answer.cpu', 'CPU 0')).toBe(true);
    expect(holds('state lastSmi.bsp == answer.cpu', 'CPU 1')).toBe(false);
    expect(holds('state cpus[1].rax == answer.number', '0x1f')).toBe(true);
    expect(holds('state cpus[1].rax == answer.number', '31')).toBe(true);
    expect(holds('state cpus[1].rax == answer.number', '30')).toBe(false);
    expect(holds('state modules[name=SwDispatch2Depex].state == answer', 'Dependent ')).toBe(true); // an answer ignores case and spaces
    expect(holds('state lastSmi.command == answer', '5')).toBe(true);
  });

  it('issue 9 §3 checks: an answer "true" / "false" equals a JSON boolean, "null" null, a number-like answer a number (case and spaces aside)', () => {
    expect(holds('state smram.locked == answer', 'true')).toBe(true);
    expect(holds('state smram.locked == answer', ' True ')).toBe(true);
    expect(holds('state smram.locked == answer', 'false')).toBe(false);
    expect(holds('state smram.locked != answer', 'false')).toBe(true);
    expect(holds('state smram.locked == answer', 'yes')).toBe(false);
    const more = { state: { ...STATE, open: false, hang: null, ratio: 1.5, flags: [false, true], counts: [3, 7] } };
    expect(holds('state open == answer', 'FALSE', more)).toBe(true);
    expect(holds('state open == answer', 'true', more)).toBe(false);
    expect(holds('state hang == answer', 'null', more)).toBe(true);
    expect(holds('state hang == answer', '0', more)).toBe(false);
    expect(holds('state lastSmi.bsp == answer', '0')).toBe(true);
    expect(holds('state lastSmi.bsp == answer', ' 0 ')).toBe(true);
    expect(holds('state lastSmi.bsp == answer', '0x0')).toBe(true);
    expect(holds('state lastSmi.bsp == answer', '1')).toBe(false);
    expect(holds('state ratio == answer', '1.5', more)).toBe(true);
    expect(holds('state ratio == answer', '1.50', more)).toBe(true);
    expect(holds('state ratio == answer', '1.6', more)).toBe(false);
    expect(holds('state flags contains answer', 'true', more)).toBe(true);
    expect(holds('state counts contains answer', '7', more)).toBe(true);
    expect(holds('state counts contains answer', '5', more)).toBe(false);
    // Strings stay strings: "true" is not the string "dependent"; the loose string rule is unchanged.
    expect(holds('state modules[1].state == answer', ' Dependent ')).toBe(true);
    expect(holds('state modules[1].state == answer', 'true')).toBe(false);
    // A literal true in the check is not loose: it equals the boolean only.
    expect(holds('state smram.locked == true')).toBe(true);
  });

  it('checks: a failed check says in words what was found and what it wants', () => {
    const r = evaluateCheck(check('state cpus[1].rax == answer.number'), ctx('30'));
    expect(r).toEqual({ ok: false, check: 'state cpus[1].rax == answer.number', detail: 'cpus[1].rax is "0x1F"; the check wants == 0x1E (30)' });
    expect(evaluateCheck(check('state lastSmi.bsp == answer.cpu'), ctx('the first')).detail).toBe('"the first" names no CPU');
    expect(evaluateCheck(check('state cpus[7].rax == 0'), ctx()).detail).toBe('cpus[7].rax is not there in `state --json`');
    expect(evaluateCheck(check('state lastSmi.bsp == 0'), { state: { lastSmi: null }, log: [], output: [], answer: null }).ok).toBe(false);
  });

  it('checks: log and output lines since the step began', () => {
    const log = ['SmmEntryPoint', 'SwDispatch2Depex: registered SW SMI 0x01'];
    const output = ['smi #12: 0x05 from CPU 1', 'RSM on 4 CPU(s)'];
    expect(holds('log contains "registered SW SMI"', null, { log })).toBe(true);
    expect(holds('log matches /SW SMI 0x0[0-9]/', null, { log })).toBe(true);
    expect(holds('log contains "ASSERT"', null, { log })).toBe(false);
    expect(holds('output contains "RSM"', null, { output })).toBe(true);
    expect(holds('output contains "RSM"', null, { log: output })).toBe(false);
    expect(evaluateCheck(check('log contains "ASSERT"'), ctx(null, { log })).detail).toBe('no line of the firmware log since this step began contains "ASSERT" (2 line(s) looked at)');
  });

  it('checks: every check of a question must hold', () => {
    const r = evaluateChecks([check('state lastSmi.bsp == 0'), check('state lastSmi.cpu == 2')], ctx());
    expect(r.ok).toBe(false);
    expect(r.results.map((x) => x.ok)).toEqual([true, false]);
  });

  it('§12.1 checks against a real session: OVMF\'s monarch is CPU 0 whichever CPU raised the SMI', () => {
    const s = Session.create();
    expect(s.exec('smi 0x05 --cpu 2 --run').error).toBe(false);
    const state = JSON.parse(JSON.stringify(stateJson(s)));
    const c = (answer: string) => evaluateChecks([check('state lastSmi.bsp == answer.cpu'), check('state lastSmi.cpu == 2'), check('state lastSmi.command == 0x05')], { state, log: [], output: [], answer }).ok;
    expect(c('CPU 0')).toBe(true);
    expect(c('CPU 2')).toBe(false);
  });
});
