export { NetworkVolume, NetworkVolumeArgs } from "./networkVolume";
export type { AttachedTo, VolumeAttachment } from "./types";
export {
    getNetworkVolumes,
    getNetworkVolumesOutput,
    GetNetworkVolumesArgs,
    GetNetworkVolumesOutputArgs,
    GetNetworkVolumesResult,
    NetworkVolumeInfo,
} from "./getNetworkVolumes";
export type { LookupAccount, VolumeGetState, VolumeTimeouts } from "../core/types";
