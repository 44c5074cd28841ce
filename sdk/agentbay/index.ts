export { Volume, VolumeArgs } from "./volume";
export { getVolumes, getVolumesOutput, GetVolumesArgs, GetVolumesOutputArgs, GetVolumesResult, VolumeInfo } from "./getVolumes";
export type { VolumeTimeouts } from "../core/types";
