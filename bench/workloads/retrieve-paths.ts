/** The properties every client retrieves in workload 1 (and the captured decode input). */
export const RETRIEVE_PATHS = ["name", "runtime.powerState", "summary.config.numCpu", "summary.config.memorySizeMB", "config.hardware.device"] as const;
