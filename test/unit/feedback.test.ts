import { describe, expect, it } from 'vitest';
import { buildFeedback, suggestionFor } from '../../domain/feedback';
import { makeCompetency } from './fixtures';

const comps = [
  makeCompetency({ key: 'programming', name: 'Programming ability', requiredLevel: 80, skills: ['Python'] }),
  makeCompetency({ key: 'systems', name: 'Distributed systems', requiredLevel: 70, skills: ['Kafka'] }),
  makeCompetency({ key: 'teamwork', name: 'Teamwork', requiredLevel: 60 }),
  makeCompetency({ key: 'zz_custom', name: 'Widget polishing', requiredLevel: 50, skills: ['Polish'] }),
];

describe('buildFeedback', () => {
  it('names the strongest dimensions and the weakest with a suggestion each', () => {
    const f = buildFeedback(comps, { programming: 50, systems: 40, teamwork: 90, zz_custom: 55 }, 'en');
    expect(f.strengths.map((s) => s.key)).toEqual(['teamwork', 'zz_custom']);
    expect(f.improvements.map((s) => s.key)).toEqual(['systems', 'programming']);
    expect(f.improvements[0]!.suggestion).toMatch(/scale and failure/);
    expect(f.improvements[1]!.suggestion).toMatch(/coding exercises/);
  });

  it('falls back to the single best dimension when nothing meets its requirement', () => {
    const f = buildFeedback(comps, { programming: 10, systems: 30, teamwork: 20, zz_custom: 5 }, 'en');
    expect(f.strengths.map((s) => s.key)).toEqual(['systems']);
    expect(f.improvements.map((s) => s.key)).not.toContain('systems');
  });

  it('speaks Chinese and prefers the job’s own suggestion', () => {
    const own = makeCompetency({ key: 'teamwork', requiredLevel: 60, suggestion: { 'zh-CN': '多参与结对编程。' } });
    expect(suggestionFor(own, 'zh-CN')).toBe('多参与结对编程。');
    expect(suggestionFor(comps[0]!, 'zh-CN')).toMatch(/编程练习/);
    expect(suggestionFor(comps[3]!, 'en')).toBe(
      'Build hands-on experience in Widget polishing, for example a small project using Polish, and be ready to walk through it.',
    );
  });
});

describe('suggestionFor: what the competency is, before its skills', () => {
  it('gives Teamwork the teamwork suggestion even when its skill is Communication', () => {
    const teamwork = makeCompetency({ key: 'teamwork', name: 'Teamwork', skills: ['Communication'] });
    expect(suggestionFor(teamwork, 'en')).toMatch(/disagreement in a team/);
  });
});
