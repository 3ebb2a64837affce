import { StringDecoder } from 'node:string_decoder';

/**
 * The lines of a byte stream, read as it is consumed (the stream is pulled, so a large file never
 * sits in memory: only the line being read does). `onBytes` hears how many bytes were read so far.
 */
export async function* readLines(
  input: AsyncIterable<Buffer | string>,
  onBytes?: (bytes: number) => void,
): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let bytes = 0;
  for await (const chunk of input) {
    bytes += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
    onBytes?.(bytes);
    const text = rest + (typeof chunk === 'string' ? chunk : decoder.write(chunk));
    const lines = text.split('\n');
    rest = lines.pop() ?? '';
    for (const line of lines) yield line.endsWith('\r') ? line.slice(0, -1) : line;
  }
  rest += decoder.end();
  if (rest !== '') yield rest;
}
