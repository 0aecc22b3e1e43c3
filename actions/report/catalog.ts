import fsbp from "../../compliance/catalogs/fsbp.json" with { type: "json" };
import hipaa from "../../compliance/catalogs/hipaa.json" with { type: "json" };
import iso27001 from "../../compliance/catalogs/iso27001.json" with { type: "json" };
import pciDss from "../../compliance/catalogs/pci-dss.json" with { type: "json" };
import soc2 from "../../compliance/catalogs/soc2.json" with { type: "json" };

/** The frameworks `vaultpilot report --framework` accepts, in report order. */
export const FRAMEWORKS = ["soc2", "iso27001", "pci-dss", "hipaa", "fsbp"] as const;
export type FrameworkId = (typeof FRAMEWORKS)[number];

/** A bound a check applies under one framework, and where the number comes from. */
export interface Parameter {
  readonly value: number;
  readonly source: string;
}

/** The bounds of `compliance/catalog.schema.json`'s `parameters`. */
export interface FrameworkParameters {
  /** Longest rotation schedule allowed, in days. */
  readonly rotationMaxDays: Parameter;
  /** Oldest last rotation allowed in the live account, in days. */
  readonly rotatedWithinDays: Parameter;
  /** Days without access after which a secret counts as unused. */
  readonly unusedDays: Parameter;
  /** Shortest generated password, in characters. */
  readonly passwordMinLength: Parameter;
  /** Shortest log retention, in days. */
  readonly logRetentionMinDays: Parameter;
  /** Shortest KMS key deletion waiting period, in days. */
  readonly keyDeletionMinDays: Parameter;
  /** Lowest share of rotations that must succeed in the period, 0 to 1. */
  readonly rotationSuccessRateMin: Parameter;
}

export interface Control {
  readonly id: string;
  /** VaultPilot's own words, never the standard's text. */
  readonly title: string;
  readonly summary: string;
  /** The section of the catalog's source this control maps to. */
  readonly reference: string;
  /** Check ids that evidence it; absent for a manual control. */
  readonly checks?: readonly string[];
  /** What a person attaches, when no check can show it. */
  readonly manual?: { readonly evidence: string };
}

/** One framework's catalog, as in `compliance/catalogs/<framework>.json`. */
export interface Catalog {
  readonly framework: FrameworkId;
  readonly name: string;
  readonly version: string;
  readonly source: { readonly title: string; readonly url: string };
  readonly parameters: FrameworkParameters;
  readonly controls: readonly Control[];
}

/** Every catalog by framework id; the data files are checked against their schema by a test. */
export const CATALOGS: Readonly<Record<FrameworkId, Catalog>> = {
  soc2: soc2 as Catalog,
  iso27001: iso27001 as Catalog,
  "pci-dss": pciDss as Catalog,
  hipaa: hipaa as Catalog,
  fsbp: fsbp as Catalog,
};

export function isFramework(value: string): value is FrameworkId {
  return (FRAMEWORKS as readonly string[]).includes(value);
}
