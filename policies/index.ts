// The CrossGuard pack: `pulumi preview --policy-pack policies [--policy-pack-config <file>]`.
import { PolicyPack } from "@pulumi/policy";
import { allPolicies } from "./all";

new PolicyPack("agent-alert-routing", { policies: allPolicies });
