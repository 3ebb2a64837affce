/**
 * Client of an OpenAI-compatible embeddings endpoint (OpenAI, Ollama, llama.cpp server, vLLM):
 * `POST {url}/embeddings {model, input: string[]}` → `{data: [{index, embedding: number[]}]}`.
 * EMBEDDINGS_URL may be the API base (`http://host:11434/v1`) or the full `/embeddings` address.
 */

/** Where to reach the endpoint (from Config). */
export interface EmbeddingsSettings {
  url: string;
  model: string;
  apiKey?: string | null;
  /** Per request; a slow endpoint must not hold up ingestion for long. */
  timeoutMs?: number;
}

/** Texts per request. */
const BATCH = 64;
/** Characters per text sent: endpoints reject inputs longer than their context. */
const MAX_CHARS = 4000;

/** An endpoint that failed or answered in an unexpected shape. */
export class EmbeddingsError extends Error {}

function endpointOf(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  return trimmed.endsWith('/embeddings') ? trimmed : `${trimmed}/embeddings`;
}

function parseResponse(body: unknown, expected: number): Float32Array[] {
  const data = (body as { data?: unknown })?.data;
  if (!Array.isArray(data) || data.length !== expected) {
    throw new EmbeddingsError(
      `expected ${expected} embeddings in "data", got ${Array.isArray(data) ? data.length : 'none'}`,
    );
  }
  const out: Float32Array[] = new Array(expected);
  data.forEach((entry: unknown, position) => {
    const e = entry as { index?: unknown; embedding?: unknown };
    const index = typeof e.index === 'number' ? e.index : position;
    if (!Array.isArray(e.embedding) || e.embedding.some((x) => typeof x !== 'number') || index >= expected) {
      throw new EmbeddingsError('an entry of "data" has no numeric "embedding"');
    }
    out[index] = Float32Array.from(e.embedding as number[]);
  });
  return out;
}

/** Embeds texts in batches; throws EmbeddingsError on any failure (the caller degrades). */
export async function fetchEmbeddings(
  settings: EmbeddingsSettings,
  texts: readonly string[],
): Promise<Float32Array[]> {
  const out: Float32Array[] = [];
  for (let i = 0; i < texts.length; i += BATCH) {
    const input = texts.slice(i, i + BATCH).map((t) => t.slice(0, MAX_CHARS) || ' ');
    let response: Response;
    try {
      response = await fetch(endpointOf(settings.url), {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(settings.apiKey ? { authorization: `Bearer ${settings.apiKey}` } : {}),
        },
        body: JSON.stringify({ model: settings.model, input }),
        signal: AbortSignal.timeout(settings.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new EmbeddingsError(`cannot reach ${endpointOf(settings.url)}: ${(error as Error).message}`);
    }
    if (!response.ok) {
      throw new EmbeddingsError(
        `${endpointOf(settings.url)} answered ${response.status} ${response.statusText}`,
      );
    }
    let body: unknown;
    try {
      body = await response.json();
    } catch {
      throw new EmbeddingsError(`${endpointOf(settings.url)} did not answer JSON`);
    }
    out.push(...parseResponse(body, input.length));
  }
  const dims = out[0]?.length ?? 0;
  if (out.some((v) => v.length !== dims || dims === 0))
    throw new EmbeddingsError('embeddings differ in length');
  return out;
}
