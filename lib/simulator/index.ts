export { Simulator, type SimulatorOptions } from "./simulator";
export { DRILL_RAMP_OUT_MS, drillWeight } from "./drill-impact";
