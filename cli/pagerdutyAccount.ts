// Reads a PagerDuty account through its REST API, as the provider does: users by e-mail, services
// by name. Only GET requests: the preflight never changes the account.

/** PagerDuty's REST API for a region, or the provider's `apiUrlOverride`. */
export function pagerdutyApiUrl(providerConfig: Record<string, unknown>): string {
  const override = providerConfig["pagerduty:apiUrlOverride"];
  if (typeof override === "string" && override.length > 0) return override.replace(/\/+$/, "");
  const region = providerConfig["pagerduty:serviceRegion"];
  return typeof region === "string" && region.length > 0 && region !== "us"
    ? `https://api.${region}.pagerduty.com`
    : "https://api.pagerduty.com";
}

/** The account answered, and refused: a wrong or under-privileged token is known, not unchecked. */
export class PagerDutyRefused extends Error {}

/** The account could not be asked: no network, a timeout, an answer that is not PagerDuty's. */
export class PagerDutyUnreachable extends Error {}

export interface PagerDutyService {
  id: string;
  name: string;
  description?: string;
}

const PAGE = 100;

export class PagerDutyAccount {
  constructor(
    private readonly apiUrl: string,
    private readonly token: string,
    private readonly timeoutMs = 10_000,
  ) {}

  /** Every record of a list endpoint whose name (or, for users, e-mail) matches `query`, all pages. */
  private async list<T>(resource: "users" | "services", query: string): Promise<T[]> {
    const found: T[] = [];
    // The next page starts after what this one held: PagerDuty may answer with fewer than asked for.
    for (let offset = 0; ; offset = found.length) {
      const url = `${this.apiUrl}/${resource}?${new URLSearchParams({ query, limit: String(PAGE), offset: String(offset) })}`;
      let response: Response;
      try {
        response = await fetch(url, {
          headers: {
            Accept: "application/vnd.pagerduty+json;version=2",
            Authorization: `Token token=${this.token}`,
          },
          signal: AbortSignal.timeout(this.timeoutMs),
        });
      } catch (error) {
        const cause = error instanceof Error ? (error.cause ?? error) : error;
        throw new PagerDutyUnreachable(
          `${this.apiUrl} did not answer (${cause instanceof Error ? cause.message : String(cause)})`,
        );
      }
      if (response.status === 401 || response.status === 403) {
        throw new PagerDutyRefused(
          `${this.apiUrl} refused the token (HTTP ${response.status}); it needs read access to users and services`,
        );
      }
      if (!response.ok) throw new PagerDutyUnreachable(`${this.apiUrl} answered HTTP ${response.status}`);
      const page = (await response.json().catch(() => undefined)) as
        | ({ more?: boolean } & Partial<Record<typeof resource, T[]>>)
        | undefined;
      const records = page?.[resource];
      if (!Array.isArray(records))
        throw new PagerDutyUnreachable(`${this.apiUrl} answered without a ${resource} list`);
      found.push(...records);
      if (!page?.more || records.length === 0) return found;
    }
  }

  /** The user with this e-mail, compared as PagerDuty does, without regard to case; undefined if none. */
  async findUser(email: string): Promise<{ id: string; email: string } | undefined> {
    const users = await this.list<{ id: string; email: string }>("users", email);
    return users.find((user) => user.email.toLowerCase() === email.toLowerCase());
  }

  /** The services named exactly `name` (PagerDuty's uniqueness ignores case). */
  async findServices(name: string): Promise<PagerDutyService[]> {
    const services = await this.list<PagerDutyService>("services", name);
    return services.filter((service) => service.name.toLowerCase() === name.toLowerCase());
  }
}
