export {
    getVolume,
    getVolumeOutput,
    GetVolumeArgs,
    GetVolumeByIdArgs,
    GetVolumeByNameArgs,
    GetVolumeResult,
    VolumeVersion,
} from "./getVolume";
export {
    getVolumeVersions,
    getVolumeVersionsOutput,
    GetVolumeVersionsArgs,
    GetVolumeVersionsResult,
    getVolumeDownloadUrl,
    getVolumeDownloadUrlOutput,
    GetVolumeDownloadUrlArgs,
    GetVolumeDownloadUrlResult,
} from "./versions";
