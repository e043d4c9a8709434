/** Is the Hugging Face Hub reachable from this page? A HEAD on the model's API entry. */
export const HUB_HOST = 'https://huggingface.co/';

export async function hubReachable(modelId: string, fetchFn: typeof fetch = fetch, timeoutMs = 5000): Promise<boolean> {
  try {
    const res = await fetchFn(`${HUB_HOST}api/models/${modelId}`, {
      method: 'HEAD',
      cache: 'no-store',
      signal: AbortSignal.timeout(timeoutMs),
    });
    return res.ok;
  } catch {
    return false;
  }
}
