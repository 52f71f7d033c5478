/**
 * Saving a file the API answered (a PDF): the bytes come through the same client as every
 * call (session cookie, CSRF, the 401 listener), then an <a download> on an object URL hands
 * them to the browser as a download, so nothing depends on the PDF viewer or a pop-up.
 */
import { ApiError } from '../api/client';

export async function saveResponse(call: Promise<{ data?: unknown; error?: unknown; response: Response }>, filename: string): Promise<void> {
  let result: Awaited<typeof call>;
  try {
    result = await call;
  } catch {
    throw new ApiError(503, 'unavailable', 'network error');
  }
  if (!result.response.ok) {
    const e = (result.error as { error?: { code?: string; message?: string; details?: { path?: string; message: string }[] } } | undefined)?.error;
    throw new ApiError(result.response.status, e?.code ?? (result.response.status >= 500 ? 'unavailable' : 'internal'), e?.message ?? '', e?.details ?? []);
  }
  const blob = result.data as Blob;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  // Long enough for the browser to have taken the bytes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
