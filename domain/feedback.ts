/**
 * Personalised feedback for a rejected candidate: what they did well (their strongest
 * dimensions against the job's requirements) and what to work on (their weakest, each
 * with a concrete suggestion). Only the candidate's own dimension names and the
 * suggestions leave here: no scores of others, no evaluator names, no internal comments.
 *
 * Suggestions come from, in order: the job's own `competencies[].suggestion`, the
 * built-in catalogue below (matched on the competency's key and name, then its skills), and a
 * generic suggestion naming the competency and its skills.
 */
import type { TLocale } from './contracts/common';
import type { TCompetency } from './contracts/job';

export interface TFeedbackItem {
  key: string;
  name: string;
  suggestion?: string;
}

export interface TFeedback {
  strengths: TFeedbackItem[];
  improvements: TFeedbackItem[];
}

interface CatalogueEntry {
  topic: string;
  match: RegExp;
  en: string;
  zh: string;
}

/** The documented catalogue (README: "Rejection feedback"). First match wins. */
export const SUGGESTION_CATALOGUE: readonly CatalogueEntry[] = [
  {
    topic: 'programming',
    match: /program|coding|code|python|java|typescript|javascript|golang|\bgo\b|c\+\+|rust|develop/i,
    en: 'Practise timed coding exercises in your main language and review your solutions for readability and edge cases.',
    zh: '用你的主力语言做限时编程练习，并从可读性和边界情况两方面复盘自己的解法。',
  },
  {
    topic: 'systems',
    match: /system|architect|distributed|kafka|microservice|scal|cloud|kubernetes/i,
    en: 'Study how real systems handle scale and failure (queues, replication, caching) and sketch the design of a service you know.',
    zh: '学习真实系统如何应对规模和故障（队列、复制、缓存），并尝试画出你熟悉的某个服务的架构设计。',
  },
  {
    topic: 'data',
    match: /data|sql|database|postgres|mysql|analytics|statistic/i,
    en: 'Work through query design and indexing on a real dataset, and explain the trade-offs of the schema you choose.',
    zh: '在真实数据集上练习查询设计和索引，并说明你所选表结构的取舍。',
  },
  {
    topic: 'testing',
    match: /test|quality|qa\b|reliab/i,
    en: 'Write tests first for a small feature and practise explaining how you decide what to test.',
    zh: '为一个小功能先写测试，并练习说明你如何决定测试哪些内容。',
  },
  {
    topic: 'problem solving',
    match: /problem|algorithm|analytic|logic|reason/i,
    en: 'Practise breaking open problems into steps out loud, stating assumptions before you solve them.',
    zh: '练习把开放性问题拆解成步骤并说出思路，在求解前先讲清楚你的假设。',
  },
  {
    topic: 'communication',
    match: /communic|present|writing|english|language|stakeholder/i,
    en: 'Practise explaining a technical decision to a non-specialist in two minutes, then ask for feedback.',
    zh: '练习在两分钟内向非专业人士解释一个技术决策，并请对方给出反馈。',
  },
  {
    topic: 'teamwork',
    match: /team|collabor|cooperat|interpersonal|mentor/i,
    en: 'Prepare concrete examples of working through disagreement in a team, with what you did and what changed.',
    zh: '准备几个在团队中化解分歧的具体例子，说明你做了什么以及带来了什么改变。',
  },
  {
    topic: 'leadership',
    match: /lead|manag|ownership|initiative/i,
    en: 'Collect examples where you took ownership of an outcome, and describe how you set direction for others.',
    zh: '整理你主动承担结果的经历，并说明你如何为他人设定方向。',
  },
  {
    topic: 'project experience',
    match: /project|experience|delivery|product/i,
    en: 'Pick one project and prepare to walk through its goal, your part, the hardest problem and the result.',
    zh: '选一个项目，准备好讲清它的目标、你的职责、遇到的最难问题以及最终结果。',
  },
];

export function suggestionFor(c: TCompetency, locale: TLocale): string {
  const own = c.suggestion?.[locale];
  if (own) return own;
  // The competency's own key and name say what it is; its skills only break a tie of none
  // ("Teamwork" with the skill "Communication" is about teamwork).
  const byName = [c.key.replace(/_/g, ' '), c.name].join(' ');
  const entry =
    SUGGESTION_CATALOGUE.find((e) => e.match.test(byName)) ??
    SUGGESTION_CATALOGUE.find((e) => e.match.test(c.skills.join(' ')));
  if (entry) return locale === 'zh-CN' ? entry.zh : entry.en;
  const skills = c.skills.slice(0, 3).join(', ');
  return locale === 'zh-CN'
    ? `在「${c.name}」方面积累实践经验${skills ? `，例如用 ${skills} 完成一个小项目` : ''}，并能清楚讲解你的做法。`
    : `Build hands-on experience in ${c.name}${skills ? `, for example a small project using ${skills}` : ''}, and be ready to walk through it.`;
}

/**
 * Up to `count` strengths (highest margin over the required level, at or above it; if
 * none, the single best dimension) and up to `count` improvements (largest shortfall).
 */
export function buildFeedback(
  competencies: TCompetency[],
  scores: Record<string, number>,
  locale: TLocale,
  count = 2,
): TFeedback {
  const rows = competencies.map((c) => ({ c, margin: (scores[c.key] ?? 0) - c.requiredLevel, score: scores[c.key] ?? 0 }));
  const byMargin = [...rows].sort((a, b) => b.margin - a.margin || b.c.weight - a.c.weight);
  let strong = byMargin.filter((r) => r.margin >= 0).slice(0, count);
  if (strong.length === 0 && byMargin.length) strong = [[...rows].sort((a, b) => b.score - a.score)[0]!];
  const strongKeys = new Set(strong.map((r) => r.c.key));
  const weak = [...byMargin]
    .reverse()
    .filter((r) => r.margin < 0 && !strongKeys.has(r.c.key))
    .slice(0, count);
  return {
    strengths: strong.map((r) => ({ key: r.c.key, name: r.c.name })),
    improvements: weak.map((r) => ({ key: r.c.key, name: r.c.name, suggestion: suggestionFor(r.c, locale) })),
  };
}
