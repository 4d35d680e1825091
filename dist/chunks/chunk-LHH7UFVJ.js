import { createRequire as __tether_cr } from 'node:module';
import { fileURLToPath as __tether_fu } from 'node:url';
import { dirname as __tether_dn } from 'node:path';
var require = __tether_cr(import.meta.url);
var __filename = __tether_fu(import.meta.url);
var __dirname = __tether_dn(__filename);
import {
  DEFAULT_RUN_ROOT,
  FACTS,
  INSTANCE_ID,
  PROVIDERS,
  VERBS,
  instanceIdFor,
  verbFacts,
  verbMissing
} from "./chunk-Z52J2UM4.js";
import {
  parseConnection
} from "./chunk-5X6WLO4A.js";
import {
  bool,
  command,
  duration,
  oneOf,
  plainPath,
  remotePath,
  runId,
  show
} from "./chunk-75KHDEEE.js";
import {
  InputError
} from "./chunk-3B7SBFZS.js";

// src/config/teardown.ts
function parseTeardown(inputs, env) {
  const provider = oneOf("provider", inputs["provider"], PROVIDERS, "ssh");
  if (!(inputs["provider"] ?? "").trim()) throw new InputError("provider", `is required: one of ${PROVIDERS.join(", ")}`);
  const verb = oneOf("verb", inputs["verb"], VERBS, "park");
  if (!(inputs["verb"] ?? "").trim())
    throw new InputError("verb", "is required: park (reversible stop) or destroy (irreversible); on Slurm cancel or park (hold)");
  if (!verbFacts(provider, verb)) throw new InputError("verb", `${verb} is not possible with provider ${provider}: ${verbMissing(provider, verb)}`);
  const connection = (inputs["host"] ?? "").trim() ? parseConnection(inputs, env) : null;
  if (provider === "ssh" && !connection) throw new InputError("host", "provider ssh parks the box over SSH: give the connection inputs");
  if (provider === "slurm" && !connection) throw new InputError("host", "provider slurm acts through the login node: give the connection inputs");
  if (provider === "slurm" && (inputs["instance-id"] ?? "").trim())
    throw new InputError("instance-id", "provider slurm acts on the run's own recorded jobs, named by run-id; give no instance-id");
  const instanceId = instanceIdFor(provider, inputs["instance-id"] ?? "", connection, (inputs["run-id"] ?? "").trim());
  if (!instanceId) throw new InputError("instance-id", `is required for provider ${provider}: the exact instance to ${verb}`);
  if (!INSTANCE_ID.test(instanceId)) throw new InputError("instance-id", `${show(instanceId)} is not an instance id (letters, digits and . _ : @ / -)`);
  const verifiedPath = (inputs["verified-path"] ?? "").trim() || void 0;
  const verifiedArtifact = (inputs["verified-artifact"] ?? "").trim() || void 0;
  if (verifiedPath && verifiedArtifact) throw new InputError("verified-path", "give either 'verified-path' or 'verified-artifact', not both");
  plainPath("verified-path", verifiedPath);
  if (verifiedArtifact && !/^[A-Za-z0-9._-]{1,200}$/.test(verifiedArtifact))
    throw new InputError("verified-artifact", `${show(verifiedArtifact)} is not an artifact name`);
  const allowParkUnverified = bool("allow-park-unverified", inputs["allow-park-unverified"], false);
  if (!verifiedPath && !verifiedArtifact && provider !== "slurm" && !(verb === "park" && allowParkUnverified)) {
    throw new InputError(
      "verified-path",
      `teardown needs the proof: 'verified-path' (VERIFIED.json from collect) or 'verified-artifact'${verb === "park" ? "; or allow-park-unverified: true for a reversible park" : ""}`
    );
  }
  const apiKey = inputs["api-key"] || void 0;
  if (FACTS[provider].credentials === "api-key" && !apiKey)
    throw new InputError(
      "api-key",
      `provider ${provider} needs its API key (pass it from a secret)`,
      `provider ${provider} needs its API key (--api-key "$YOUR_KEY_VARIABLE": from the environment, not typed into the history)`
    );
  const apiUrl = (inputs["provider-api-url"] ?? "").trim() || void 0;
  if (apiUrl && !/^https:\/\/[^\s/]+/.test(apiUrl) && !/^http:\/\/(127\.0\.0\.1|localhost|\[::1\])(:\d+)?(\/|$)/.test(apiUrl)) {
    throw new InputError("provider-api-url", "must be https:// (or http:// on loopback, for a local proxy or test double)");
  }
  const teardownCommand = command("teardown-command", inputs["teardown-command"], provider === "command");
  const awsRegion = (inputs["aws-region"] ?? "").trim() || void 0;
  if (provider === "aws") {
    if (!awsRegion || !/^[a-z]{2}(-[a-z]+)+-\d$/.test(awsRegion))
      throw new InputError("aws-region", `${awsRegion ? show(awsRegion) + " is not" : "is required:"} an AWS region like us-east-1`);
    if (!env["AWS_ACCESS_KEY_ID"] || !env["AWS_SECRET_ACCESS_KEY"])
      throw new InputError(
        "aws-region",
        "provider aws needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in the environment (e.g. from aws-actions/configure-aws-credentials)"
      );
    if (!/^i-[0-9a-f]{8,17}$/.test(instanceId)) throw new InputError("instance-id", `${show(instanceId)} is not an EC2 instance id (i-\u2026)`);
  }
  if ((inputs["report-to"] ?? "").trim() && !(inputs["ssh-key"] ?? "").trim() && !(inputs["ssh-key-path"] ?? "").trim())
    throw new InputError(
      "ssh-key",
      "teardown with report-to signs the run's teardown mark with the patrol's SSH key (an unsigned mark never ends a run): give ssh-key or ssh-key-path"
    );
  const approval = oneOf("approval", inputs["approval"], ["environment", "confirm"], "environment");
  const confirm = (inputs["confirm"] ?? "").trim();
  return {
    runId: runId("run-id", inputs["run-id"]),
    runRoot: remotePath("run-root", inputs["run-root"], DEFAULT_RUN_ROOT),
    provider,
    instanceId,
    verb,
    verifiedPath,
    verifiedArtifact,
    allowParkUnverified,
    stopRunning: bool("stop-running", inputs["stop-running"], false),
    approval,
    confirm,
    dryRun: bool("dry-run", inputs["dry-run"], true),
    apiKey,
    apiUrl,
    awsRegion,
    teardownCommand,
    timeoutS: (() => {
      const t = duration("teardown-timeout", inputs["teardown-timeout"], 600) ?? 600;
      if (t < 5 || t > 7200) throw new InputError("teardown-timeout", `${show(inputs["teardown-timeout"] ?? "")} is outside 5s to 2h`);
      return t;
    })(),
    connection
  };
}

export {
  parseTeardown
};
