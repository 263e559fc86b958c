// Secrets as the engines hand them over: the mock engine records `{ secret: true, value }`, and
// CrossGuard passes objects of its Secret class. One reader for both.

/** A secret as the mock engine records it. */
export interface SecretValue {
  secret: true;
  value: unknown;
}

export function isSecretValue(value: unknown): value is SecretValue {
  return (
    value !== null &&
    typeof value === "object" &&
    (value as { secret?: unknown }).secret === true &&
    "value" in value
  );
}

/** The value inside a secret, however deeply wrapped; any other value as it is. */
export function plain(value: unknown): unknown {
  if (isSecretValue(value)) return plain(value.value);
  if (value !== null && typeof value === "object" && "value" in value) {
    const record = value as { value: unknown; constructor?: { name?: string } };
    if (record.constructor?.name === "Secret") return plain(record.value);
  }
  return value;
}
