export {
    getVolume,
    getVolumeOutput,
    GetVolumeArgs,
    GetVolumeByIdArgs,
    GetVolumeByNameArgs,
    GetVolumeOutputArgs,
    GetVolumeResult,
    VolumeVersion,
} from "./getVolume";
export {
    getVolumeVersions,
    getVolumeVersionsOutput,
    GetVolumeVersionsArgs,
    GetVolumeVersionsOutputArgs,
    GetVolumeVersionsResult,
    getVolumeDownloadUrl,
    getVolumeDownloadUrlOutput,
    GetVolumeDownloadUrlArgs,
    GetVolumeDownloadUrlOutputArgs,
    GetVolumeDownloadUrlResult,
} from "./versions";
export { Volume, VolumeArgs } from "./volume";
export type { LookupAccount, VolumeGetState } from "../core/types";
