/**
 * slimBundle (scripts/build-workflows.ts): the workflow bundle a worker keeps loses its
 * sources copy and its characters beyond Latin-1, and still means the same.
 */
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { slimBundle } from '../../scripts/build-workflows';

const MAP_URL = '//# sourceMappingURL=data:application/json;charset=utf-8;base64,';

const bundleOf = (body: string, map: object) => `${body}\n${MAP_URL}${Buffer.from(JSON.stringify(map)).toString('base64')}`;

const readMap = (code: string) => {
  const at = code.lastIndexOf('//# sourceMappingURL=data:');
  return JSON.parse(Buffer.from(code.slice(code.indexOf('base64,', at) + 7), 'base64').toString('utf8')) as Record<string, unknown>;
};

describe('slimBundle', () => {
  const map = { version: 3, file: 'b.js', sources: ['a.ts'], sourcesContent: ['export const a = 1;'], names: [], mappings: 'AAAA;AACA' };
  const body = [
    '// Returns the texts — in two languages',
    "var texts = { zh: '用你的主力语言做限时编程练习，并复盘。', en: 'Practise — then review' };",
    'var tpl = `第${1}轮`;',
    'var re = /^[一-龥]+$/;',
    "var emoji = '😀';",
    'var result = [texts.zh, texts.en, tpl, re.test(\'中文\'), re.test(\'abc\'), emoji];',
  ].join('\n');

  it('drops the sources copy, keeps the mappings, and leaves only Latin-1 characters', () => {
    const slim = slimBundle(bundleOf(body, map));
    const out = readMap(slim);
    expect(out.sourcesContent).toBeUndefined();
    expect(out).toMatchObject({ version: 3, sources: ['a.ts'], mappings: 'AAAA;AACA' });
    expect(/[^\x00-\xff]/.test(slim)).toBe(false);
  });

  it('means the same: strings, templates, regular expressions and surrogate pairs evaluate as before', () => {
    const run = (code: string) => new vm.Script(`(() => {\n${code.slice(0, code.lastIndexOf('//# sourceMappingURL='))}\nreturn result;\n})()`).runInThisContext() as unknown[];
    expect(run(slimBundle(bundleOf(body, map)))).toEqual(run(bundleOf(body, map)));
    expect(run(slimBundle(bundleOf(body, map)))).toEqual(['用你的主力语言做限时编程练习，并复盘。', 'Practise — then review', '第1轮', true, false, '😀']);
  });

  it('refuses a bundle without an inline source map, and a backslash before a character it would escape', () => {
    expect(() => slimBundle(body)).toThrow(/no inline source map/);
    expect(() => slimBundle(bundleOf("var s = '\\—';", map))).toThrow(/escapes a non-Latin-1 character/);
  });
});
