// Who may post: Langfuse signs each body with the webhook secret (HMAC SHA-256 in
// `x-langfuse-signature`); LangSmith and other tools send the secret itself in a header they let
// you configure (`Authorization: Bearer <secret>`, or `x-bridge-token`). Compared in constant time.
import { createHmac, timingSafeEqual } from "node:crypto";

function same(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

const hmac = (secret: string, text: string) => createHmac("sha256", secret).update(text).digest("hex");

/** Langfuse's signature: `t=<unix seconds>,v1=<hex HMAC of "<t>.<body>">`. */
export function langfuseSignatureValid(secret: string, body: string, header: string | undefined): boolean {
  if (!header || !secret) return false;
  const parts = Object.fromEntries(
    header.split(",").map((part) => {
      const at = part.indexOf("=");
      return at < 0 ? ["", part.trim()] : [part.slice(0, at).trim(), part.slice(at + 1).trim()];
    }),
  );
  if (parts.t === undefined || parts.v1 === undefined) return false;
  return same(parts.v1, hmac(secret, `${parts.t}.${body}`));
}

/** The signature header Langfuse would send for this body, for stand-ins and tests. */
export function langfuseSignature(secret: string, body: string, at = Math.floor(Date.now() / 1000)): string {
  return `t=${at},v1=${hmac(secret, `${at}.${body}`)}`;
}

export function tokenValid(secret: string, headers: Record<string, string | string[] | undefined>): boolean {
  if (!secret) return false;
  const authorization = headers.authorization;
  const token = headers["x-bridge-token"];
  if (typeof authorization === "string" && authorization.startsWith("Bearer "))
    return same(authorization.slice("Bearer ".length), secret);
  return typeof token === "string" && same(token, secret);
}
