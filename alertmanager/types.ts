// The part of an Alertmanager configuration that routing depends on, as Alertmanager reads it from
// YAML. The evaluator works on this form, so it judges any config: ours, a fixture, or a hand edit.

export interface AmRoute {
  receiver?: string;
  matchers?: string[];
  continue?: boolean;
  group_by?: string[];
  group_wait?: string;
  group_interval?: string;
  repeat_interval?: string;
  active_time_intervals?: string[];
  mute_time_intervals?: string[];
  routes?: AmRoute[];
}

/** One entry of a named time interval, with Alertmanager's field names. */
export interface AmTimeIntervalSpec {
  times?: { start_time: string; end_time: string }[];
  /** Day names or inclusive ranges: `monday`, `monday:friday`. */
  weekdays?: string[];
  /** Days of the month or ranges, negative from the end: `1:5`, `-1`. */
  days_of_month?: string[];
  /** Month names or numbers, or ranges: `january:march`, `1:3`. */
  months?: string[];
  /** Years or ranges: `2026`, `2026:2027`. */
  years?: string[];
  /** IANA zone; UTC when absent. */
  location?: string;
}

export interface AmTimeInterval {
  name: string;
  time_intervals: AmTimeIntervalSpec[];
}

export interface AmInhibitRule {
  source_matchers?: string[];
  target_matchers?: string[];
  equal?: string[];
}

export interface AmReceiver {
  name: string;
  pagerduty_configs?: Record<string, unknown>[];
  slack_configs?: Record<string, unknown>[];
  email_configs?: Record<string, unknown>[];
  webhook_configs?: Record<string, unknown>[];
}

export interface AmConfig {
  /** Settings that do not change where an alert goes (SMTP, resolve timeout, …). */
  global?: Record<string, unknown>;
  route: AmRoute;
  receivers: AmReceiver[];
  inhibit_rules?: AmInhibitRule[];
  time_intervals?: AmTimeInterval[];
  /** The pre-0.24 spelling of `time_intervals`; Alertmanager still reads it. */
  mute_time_intervals?: AmTimeInterval[];
}

export type LabelSet = Readonly<Record<string, string>>;
