// The Slack channel as the rest of the program sees it. Which provider manages the channel stays in
// this file: today a dynamic provider on @slack/web-api, later @pulumi/slack once the registry has it.
import * as pulumi from "@pulumi/pulumi";
import { slackChannelProvider } from "./provider";

export interface SlackChannelArgs {
  /** The channel name without '#', lower-case, e.g. "oncall-platform". */
  name: pulumi.Input<string>;
  /** Left as Slack has it when absent; "" clears it. */
  topic?: pulumi.Input<string>;
  purpose?: pulumi.Input<string>;
  /** A Slack bot token; kept secret in the state whether or not the caller made it a secret. */
  token: pulumi.Input<string>;
  /** Overrides https://slack.com/api/ (tests point it at a local stand-in). */
  apiUrl?: pulumi.Input<string>;
}

export class SlackChannel extends pulumi.dynamic.Resource {
  // `declare`, not `!`: with target ES2022 a class field would be re-initialised to undefined after
  // super() has filled it in.
  declare public readonly channelId: pulumi.Output<string>;
  declare public readonly name: pulumi.Output<string>;

  constructor(name: string, args: SlackChannelArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      slackChannelProvider,
      name,
      { ...args, token: pulumi.secret(args.token), channelId: undefined },
      { ...opts, additionalSecretOutputs: [...(opts?.additionalSecretOutputs ?? []), "token"] },
    );
  }
}
