/**
 * The console's language: the user's choice (kept in this browser), else the browser's
 * languages (any zh* gives Simplified Chinese), else English. Ant Design's own strings
 * follow through its zh_CN / en_US locales.
 */
import { createContext, useCallback, useContext, useMemo, useState, type ReactNode } from 'react';
import { adminEn, type TAdminKey } from './admin.en';
import { adminZhCN } from './admin.zh-CN';
import { en, type TMessageKey } from './en';
import { zhCN } from './zh-CN';

export type TLang = 'en' | 'zh-CN';
export const LANGS: TLang[] = ['en', 'zh-CN'];
const STORAGE_KEY = 'console.lang';
/** The Admin area's strings live in their own files (admin.*.ts), merged here. */
type TKey = TMessageKey | TAdminKey;
const dictionaries: Record<TLang, Record<TKey, string>> = { en: { ...en, ...adminEn }, 'zh-CN': { ...zhCN, ...adminZhCN } };

export function initialLang(): TLang {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (stored === 'en' || stored === 'zh-CN') return stored;
  for (const l of navigator.languages) {
    const lower = l.toLowerCase();
    if (lower.startsWith('zh')) return 'zh-CN';
    if (lower.startsWith('en')) return 'en';
  }
  return 'en';
}

export type TVars = Record<string, string | number>;

export interface TI18n {
  lang: TLang;
  setLang: (lang: TLang) => void;
  t: (key: TKey, vars?: TVars) => string;
  /** For keys built from API values (a stage, a role): the raw value when there is no string. */
  tx: (key: string, fallback: string, vars?: TVars) => string;
  dateTime: (iso: string | null | undefined) => string;
  date: (iso: string | null | undefined) => string;
  number: (n: number, digits?: number) => string;
}

const I18nContext = createContext<TI18n | null>(null);

const fill = (text: string, vars?: TVars) => (vars ? text.replace(/\{(\w+)\}/g, (m, k: string) => String(vars[k] ?? m)) : text);

export function I18nProvider({ children }: { children: ReactNode }) {
  const [lang, setLangState] = useState<TLang>(initialLang);
  const setLang = useCallback((l: TLang) => {
    localStorage.setItem(STORAGE_KEY, l);
    setLangState(l);
  }, []);
  const value = useMemo<TI18n>(() => {
    const dict = dictionaries[lang];
    const dt = new Intl.DateTimeFormat(lang, { dateStyle: 'medium', timeStyle: 'short' });
    const d = new Intl.DateTimeFormat(lang, { dateStyle: 'medium' });
    document.documentElement.lang = lang;
    return {
      lang,
      setLang,
      t: (key, vars) => fill(dict[key], vars),
      tx: (key, fallback, vars) => fill((dict as Record<string, string>)[key] ?? fallback, vars),
      dateTime: (iso) => (iso ? dt.format(new Date(iso)) : '—'),
      date: (iso) => (iso ? d.format(new Date(iso.length === 10 ? `${iso}T00:00:00` : iso)) : '—'),
      number: (n, digits = 0) => n.toLocaleString(lang, { maximumFractionDigits: digits }),
    };
  }, [lang, setLang]);
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): TI18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
