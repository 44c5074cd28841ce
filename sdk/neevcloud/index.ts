export { NetworkVolume, NetworkVolumeArgs, AttachedTo, VolumeAttachment } from "./networkVolume";
export {
    getNetworkVolumes,
    getNetworkVolumesOutput,
    GetNetworkVolumesArgs,
    GetNetworkVolumesResult,
    NetworkVolumeInfo,
} from "./getNetworkVolumes";
export type { LookupAccount, VolumeGetState, VolumeTimeouts } from "../core/types";
