/** JSON.parse that answers null for malformed text; callers treat null as a bad message. */
export function parseJsonOrNull(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
