// Files the API answers (PDF documents, .xlsx reports): fetched with the signed-in token (a
// plain link would carry none), then opened or saved under the name the API gives.
import { ApiError } from "./errors";

export interface FileAnswer {
  data?: unknown;
  error?: unknown;
  response: Response;
}

/** The file's name from Content-Disposition (RFC 6266: filename* first), else `fallback`. */
export function fileName(disposition: string | null, fallback: string): string {
  if (!disposition) return fallback;
  const star = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try { return decodeURIComponent(star[1].trim()); } catch { /* the plain name below */ }
  }
  const plain = /filename="?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : fallback;
}

/** The answer's file as a Blob with its name; an ApiError (Chinese by its code) when refused. */
export async function fileOf(call: Promise<FileAnswer>, fallback: string, type: string): Promise<{ blob: Blob; name: string }> {
  let answer: FileAnswer;
  try {
    answer = await call;
  } catch {
    throw new ApiError(0, "NETWORK");
  }
  if (!answer.response.ok) {
    const body = answer.error as { error?: string; message?: string } | undefined;
    throw new ApiError(answer.response.status, body?.error ?? null, body?.message);
  }
  const blob = answer.data instanceof Blob ? answer.data : new Blob([answer.data as BlobPart], { type });
  return { blob, name: fileName(answer.response.headers.get("Content-Disposition"), fallback) };
}

/** Saves the file under its name (the browser's download). */
export function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
