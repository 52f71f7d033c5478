/** Every refusal of the API as one typed error, carrying the API's `code` and `details`. */

export interface TErrorDetail {
  path?: string;
  message: string;
  [k: string]: unknown;
}

export class HiringApiError extends Error {
  override name = 'HiringApiError';
  constructor(
    /** The HTTP status (400, 401, 403, 404, 409, 413, 429, 503, …). */
    readonly status: number,
    /** The API's error code: validation_failed, not_found, conflict, wrong_stage, rate_limited, unavailable, … */
    readonly code: string,
    message: string,
    /** For validation_failed: each bad field by path. */
    readonly details: TErrorDetail[] = [],
    readonly requestId?: string,
  ) {
    super(message);
  }
}

/** The HiringApiError of a non-2xx response (its body read as the API's error shape when it is one). */
export async function errorFromResponse(res: Response): Promise<HiringApiError> {
  const text = await res.text().catch(() => '');
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown; details?: unknown; requestId?: unknown } };
    const e = body.error;
    if (e && typeof e.code === 'string') {
      return new HiringApiError(
        res.status,
        e.code,
        typeof e.message === 'string' ? e.message : `HTTP ${res.status}`,
        Array.isArray(e.details) ? (e.details as TErrorDetail[]) : [],
        typeof e.requestId === 'string' ? e.requestId : undefined,
      );
    }
  } catch {
    // not JSON: fall through
  }
  return new HiringApiError(res.status, `http_${res.status}`, text.slice(0, 200) || `HTTP ${res.status}`);
}
