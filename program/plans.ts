import type { Plan } from "./documents.js";

export interface PlanLimits {
  /** Secrets the tenant may have. */
  readonly secrets: number;
  /** Rotations a month, summed over the tenant's secrets as 30 / (days between rotations). */
  readonly rotationsPerMonth: number;
}

export const PLAN_LIMITS: Readonly<Record<Plan, PlanLimits>> = {
  free: { secrets: 5, rotationsPerMonth: 10 },
  pro: { secrets: 25, rotationsPerMonth: 100 },
  business: { secrets: 100, rotationsPerMonth: 500 },
  enterprise: { secrets: Infinity, rotationsPerMonth: Infinity },
};

export const PLANS: readonly Plan[] = ["free", "pro", "business", "enterprise"];

/** How many times a month a secret that rotates every `everyDays` days rotates. */
export function rotationsPerMonth(everyDays: number): number {
  return 30 / everyDays;
}

/** The cheapest plan whose limits hold `secrets` secrets rotating `rotations` times a month. */
export function smallestPlanFor(secrets: number, rotations: number): Plan {
  return PLANS.find((plan) => {
    const limits = PLAN_LIMITS[plan];
    return secrets <= limits.secrets && rotations <= limits.rotationsPerMonth + 1e-9;
  })!;
}
