export { Volume, VolumeArgs } from "./volume";
export { getVolumes, getVolumesOutput, GetVolumesArgs, GetVolumesOutputArgs, GetVolumesResult, VolumeInfo } from "./getVolumes";
export type { LookupAccount, VolumeGetState, VolumeTimeouts } from "../core/types";
