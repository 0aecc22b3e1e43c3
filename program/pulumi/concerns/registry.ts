// The stack's concerns, in the order they are created. Add a concern: a file in this folder that
// exports `defineConcern({ name, settings, components })`, and one line here. A concern marked
// `last` (guardrails) runs after all others wherever it is listed.
import { access } from "./access.js";
import { alarms } from "./alarms.js";
import { azureDelivery } from "./azure-delivery.js";
import { backup } from "./backup.js";
import type { Concern } from "./concern.js";
import { driftReader } from "./drift-reader.js";
import { guardrails } from "./guardrails.js";
import { protection } from "./protection.js";
import { kubernetesDelivery } from "./kubernetes-delivery.js";
import { secrets } from "./secrets.js";

export const CONCERNS: readonly Concern[] = [
  secrets,
  access,
  alarms,
  driftReader,
  azureDelivery,
  protection,
  guardrails,
  kubernetesDelivery,
  backup,
];
