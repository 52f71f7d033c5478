/**
 * The pages a person sees when a sign-in cannot go on: a used or expired link, an
 * unknown or deactivated person at the identity provider. Plain HTML, everything escaped,
 * each with an id tests (and support) can name.
 */
import { esc } from './offer-page';

export type TSignInProblem =
  | 'link_unknown'
  | 'link_used'
  | 'link_expired'
  | 'sso_not_configured'
  | 'sso_unavailable'
  | 'sso_attempt_unknown'
  | 'sso_failed'
  | 'email_unverified'
  | 'no_account'
  | 'deactivated';

const TEXT: Record<TSignInProblem, { status: number; title: string; body: string }> = {
  link_unknown: { status: 404, title: 'This sign-in link is not valid', body: 'Check that you opened the whole link from the e-mail, or ask for a new one.' },
  link_used: { status: 410, title: 'This sign-in link has already been used', body: 'Each link works once. Ask for a new one to sign in again.' },
  link_expired: { status: 410, title: 'This sign-in link has expired', body: 'Links work for 15 minutes. Ask for a new one.' },
  sso_not_configured: { status: 404, title: 'Single sign-on is not set up', body: 'Ask for a sign-in link by e-mail instead, or ask your administrator to configure single sign-on.' },
  sso_unavailable: { status: 503, title: 'The identity provider cannot be reached', body: 'Try again in a few minutes. If it goes on, tell your administrator.' },
  sso_attempt_unknown: {
    status: 400,
    title: 'This sign-in attempt is not known',
    body: 'It has already been completed, it took longer than 10 minutes, or it was started in another browser. Start again.',
  },
  sso_failed: { status: 401, title: 'Sign-in did not succeed', body: 'The identity provider’s answer could not be accepted. Start again.' },
  email_unverified: {
    status: 403,
    title: 'Your e-mail address is not verified',
    body: 'Your identity provider does not vouch for the e-mail address of your account, so it cannot be matched to a user here. Ask your administrator.',
  },
  no_account: { status: 403, title: 'No account for you here', body: 'Nobody with your e-mail address is a user of this hiring system. Ask an administrator to add you.' },
  deactivated: { status: 403, title: 'Your account is deactivated', body: 'Ask an administrator if you need access again.' },
};

export function signInProblem(problem: TSignInProblem, detail?: string): { status: number; html: string } {
  const t = TEXT[problem];
  const retry = problem.startsWith('sso_') && problem !== 'sso_not_configured' ? '<p><a href="/auth/login">Sign in again</a></p>' : '';
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(t.title)}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Noto Sans SC",sans-serif;margin:0;background:#f6f8fa;color:#1f2328}
main{max-width:560px;margin:40px auto;padding:20px;background:#fff;border:1px solid #d0d7de;border-radius:8px}
h1{font-size:1.3rem;margin:0 0 12px} .detail{color:#59636e;font-size:.9rem}
</style></head><body><main id="${problem}">
<h1>${esc(t.title)}</h1>
<p>${esc(t.body)}</p>${detail ? `\n<p class="detail">${esc(detail)}</p>` : ''}
${retry}</main></body></html>`;
  return { status: t.status, html };
}
