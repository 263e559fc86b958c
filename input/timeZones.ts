// Time zones, which two programs read: Alertmanager (a business-hours tier's time interval) looks
// them up in the tz database with Go, and PagerDuty (users, schedules) takes only those of its list.
// A zone of the stack config must be one both accept, since a tier's zone goes to both and a
// member's may become their team's schedule's.

/**
 * The zones PagerDuty's REST API accepts: its reference, "Types: Time Zone"
 * (developer.pagerduty.com/docs/1afe25e9c94cb-types#time-zone, February 2024). The list is Rails'
 * time zones; other names of the tz database, `UTC` and `EST5EDT` among them, are refused.
 */
export const PAGERDUTY_TIME_ZONES: ReadonlySet<string> = new Set(
  `
  Africa/Algiers Africa/Cairo Africa/Casablanca Africa/Harare Africa/Johannesburg Africa/Monrovia
  Africa/Nairobi
  America/Argentina/Buenos_Aires America/Bogota America/Caracas America/Chicago America/Chihuahua
  America/Denver America/Godthab America/Guatemala America/Guyana America/Halifax
  America/Indiana/Indianapolis America/Juneau America/La_Paz America/Lima America/Los_Angeles
  America/Mazatlan America/Mexico_City America/Monterrey America/Montevideo America/New_York
  America/Phoenix America/Puerto_Rico America/Regina America/Santiago America/Sao_Paulo America/St_Johns
  America/Tijuana
  Asia/Almaty Asia/Baghdad Asia/Baku Asia/Bangkok Asia/Chongqing Asia/Colombo Asia/Dhaka Asia/Hong_Kong
  Asia/Irkutsk Asia/Jakarta Asia/Jerusalem Asia/Kabul Asia/Kamchatka Asia/Karachi Asia/Kathmandu
  Asia/Kolkata Asia/Krasnoyarsk Asia/Kuala_Lumpur Asia/Kuwait Asia/Magadan Asia/Muscat Asia/Novosibirsk
  Asia/Rangoon Asia/Riyadh Asia/Seoul Asia/Shanghai Asia/Singapore Asia/Srednekolymsk Asia/Taipei
  Asia/Tashkent Asia/Tbilisi Asia/Tehran Asia/Tokyo Asia/Ulaanbaatar Asia/Urumqi Asia/Vladivostok
  Asia/Yakutsk Asia/Yekaterinburg Asia/Yerevan
  Atlantic/Azores Atlantic/Cape_Verde Atlantic/South_Georgia
  Australia/Adelaide Australia/Brisbane Australia/Darwin Australia/Hobart Australia/Melbourne
  Australia/Perth Australia/Sydney
  Etc/GMT+12 Etc/UTC
  Europe/Amsterdam Europe/Athens Europe/Belgrade Europe/Berlin Europe/Bratislava Europe/Brussels
  Europe/Bucharest Europe/Budapest Europe/Copenhagen Europe/Dublin Europe/Helsinki Europe/Istanbul
  Europe/Kaliningrad Europe/Kiev Europe/Lisbon Europe/Ljubljana Europe/London Europe/Madrid Europe/Minsk
  Europe/Moscow Europe/Paris Europe/Prague Europe/Riga Europe/Rome Europe/Samara Europe/Sarajevo
  Europe/Skopje Europe/Sofia Europe/Stockholm Europe/Tallinn Europe/Vienna Europe/Vilnius Europe/Volgograd
  Europe/Warsaw Europe/Zagreb Europe/Zurich
  Pacific/Apia Pacific/Auckland Pacific/Chatham Pacific/Fakaofo Pacific/Fiji Pacific/Guadalcanal
  Pacific/Guam Pacific/Honolulu Pacific/Majuro Pacific/Midway Pacific/Noumea Pacific/Pago_Pago
  Pacific/Port_Moresby Pacific/Tongatapu
  `
    .trim()
    .split(/\s+/),
);

/**
 * The tz database's names without a region. Intl knows them, but also aliases of ICU's own that Go
 * does not (`PST`, `IST`), so a name without a slash must be one of these.
 */
const TZ_NAMES_WITHOUT_REGION = new Set(
  `CET CST6CDT Cuba EET EST EST5EDT Egypt Eire GB GB-Eire GMT GMT+0 GMT-0 GMT0 Greenwich HST Hongkong
  Iceland Iran Israel Jamaica Japan Kwajalein Libya MET MST MST7MDT NZ NZ-CHAT Navajo PRC PST8PDT Poland
  Portugal ROC ROK Singapore Turkey UCT UTC Universal W-SU WET Zulu`.split(/\s+/),
);

/** Intl's name for a zone, the same for every name of it; undefined when Intl does not know it. */
function intlZone(zone: string): string | undefined {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: zone }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/**
 * Whether Alertmanager (Go's `time.LoadLocation`) finds the zone: a name of the tz database, spelled
 * as it spells it, since Go is case-sensitive where Intl is not. Node's Intl carries the same
 * database (its ICU), so it answers whether the name exists.
 */
export function inTzDatabase(zone: string): boolean {
  if (!zone.includes("/") && !TZ_NAMES_WITHOUT_REGION.has(zone)) return false;
  if (zone.split("/").some((part) => !/^[A-Z]/.test(part))) return false;
  const resolved = intlZone(zone);
  // Intl answers a zone in any case with its own spelling: `america/new_york` is not Go's.
  return resolved !== undefined && (resolved === zone || resolved.toLowerCase() !== zone.toLowerCase());
}

/** PagerDuty's name for the same zone (`Etc/UTC` for `UTC`, `America/New_York` for `EST5EDT`). */
function pagerdutyName(zone: string): string | undefined {
  const resolved = intlZone(zone);
  if (resolved === undefined) return undefined;
  const same = [...PAGERDUTY_TIME_ZONES].filter((candidate) => intlZone(candidate) === resolved);
  return same.find((candidate) => candidate === resolved) ?? same[0];
}

const EXAMPLES = "e.g. America/New_York, Europe/London or Etc/UTC";

/** Why a zone would be refused, naming which side refuses it; undefined when both accept it. */
export function timeZoneProblem(zone: string, alertmanagerKnows = inTzDatabase): string | undefined {
  const alertmanager = alertmanagerKnows(zone);
  const pagerduty = PAGERDUTY_TIME_ZONES.has(zone);
  if (alertmanager && pagerduty) return undefined;
  if (pagerduty) return `is a zone PagerDuty takes, but not one of the tz database Alertmanager reads`;
  if (alertmanager) {
    const same = pagerdutyName(zone);
    const instead = same ? `write the same zone as ${same}` : `use one of its list, ${EXAMPLES}`;
    return `is a tz database zone, which Alertmanager takes, but PagerDuty does not; ${instead}`;
  }
  return `is not a time zone of the tz database, spelled as it spells it (use ${EXAMPLES})`;
}
