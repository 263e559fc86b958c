// Kubernetes' rules for the names the program gives its objects, their labels and their Secret's
// keys, so that the input can refuse a name that would break one before anything is rendered.

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const LABEL_NAME = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** An object's name, a DNS subdomain of at most 253 characters. */
export function nameProblem(name: string): string | undefined {
  if (name.length > 253) return `is ${name.length} characters; Kubernetes allows 253`;
  if (!DNS_SUBDOMAIN.test(name))
    return "is not a valid Kubernetes name (lower-case letters, digits, '-' and '.')";
  return undefined;
}

export function labelKeyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) {
    return "has a prefix that is not a DNS subdomain";
  }
  if (name.length > 63 || !LABEL_NAME.test(name)) return "is not a valid label name (63 characters at most)";
  return undefined;
}

export function labelValueProblem(value: string): string | undefined {
  if (value === "") return undefined;
  if (value.length > 63) return `is ${value.length} characters; a label value allows 63`;
  if (!LABEL_NAME.test(value)) return "is not a valid label value (letters, digits, '-', '_', '.')";
  return undefined;
}

/** A key of a Secret's (or ConfigMap's) data: at most 253 of letters, digits, '-', '_' and '.'. */
export function dataKeyProblem(key: string): string | undefined {
  if (key.length > 253) return `is ${key.length} characters; a Secret's key allows 253`;
  if (!SECRET_KEY.test(key)) return "is not a valid Secret key (letters, digits, '-', '_', '.')";
  return undefined;
}
