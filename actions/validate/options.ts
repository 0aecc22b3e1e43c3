/** The names of validate's output formats; each has its formatter in formats/index.ts. */
export const VALIDATE_FORMATS = ["text", "json", "github", "sarif"] as const;
export type ValidateFormat = (typeof VALIDATE_FORMATS)[number];
