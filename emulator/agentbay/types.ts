/**
 * Alibaba AgentBay (Wuying) beta Volume API types as they travel on the wire
 * (POP RPC, PascalCase), the AgentBay emulator's knobs and its test hooks.
 * Source: docs/apis/agentbay.md.
 */

/** The API version every request must carry (`Version=2025-05-06`). */
export const agentbayApiVersion = "2025-05-06";

/** A volume record (every field a string). */
export interface AgentBayVolume {
    VolumeId: string;
    VolumeName: string;
    /** Free-form; the only value in the SDK's sources is `Available`. */
    Status: string;
    BelongingImageId: string;
    /** UTC, `YYYY-MM-DDTHH:mm:ssZ`. */
    CreateTime: string;
}

/** The envelope on every answer of the volume actions, success or `Success: false`. */
export interface AgentBayEnvelope {
    RequestId: string;
    Success: boolean;
    Code: string;
    Message: string;
    HttpStatusCode: number;
}

/** `GetVolume`'s answer. */
export interface AgentBayGetVolumeResponse extends AgentBayEnvelope {
    Data?: AgentBayVolume;
}

/** `ListVolumes`' answer. `NextToken` is `""` on the last page. */
export interface AgentBayListVolumesResponse extends AgentBayEnvelope {
    Data?: AgentBayVolume[];
    NextToken?: string;
    MaxResults?: number;
}

/** The POP error body of an HTTP 4xx/5xx answer (`NOT_LOGIN`, a missing parameter, an injected fault). */
export interface AgentBayPopError {
    RequestId: string;
    HostId: string;
    Code: string;
    Message: string;
}

/** An inventory record: the wire record plus the session that mounts it, if any. */
export interface AgentBayVolumeRecord extends AgentBayVolume {
    /** Set by the `attach` hook; a mounted volume refuses `DeleteVolume`. */
    MountedBy?: string;
}

/** Run-time knobs of the AgentBay emulator. */
export interface AgentBayKnobs {
    /**
     * A volume made by `GetVolume` is missing from `ListVolumes` this long (ms); `GetVolume`
     * finds it at once. The SDK's tests retry the list for up to 12 s. Default 1000.
     */
    listLagMs: number;
    /** The key is on the Volume beta's allowlist. `false`: every volume action answers `Success: false`. Default true. */
    allowlisted: boolean;
    /**
     * How `GetVolume` with `AllowCreate=false` answers for a name it does not have; the real
     * answer is unconfirmed (agentbay.md, Open questions), so each plausible shape can be played:
     * `Success: false` with the code `InvalidVolume.NotFound` (default), `NotFound`,
     * `ResourceNotFound` or `InvalidParameter.VolumeName` ("... not found"); or `Success: true` with
     * `Data` `{}` (`emptyData`) or absent (`noData`), the SDK's own "not found".
     */
    lookupNotFound: AgentBayLookupNotFound;
}

/** The shapes {@link AgentBayKnobs.lookupNotFound} can play. */
export type AgentBayLookupNotFound =
    "InvalidVolume.NotFound" | "NotFound" | "ResourceNotFound" | "InvalidParameter.VolumeName" | "emptyData" | "noData";

/** Fresh default knobs. */
export function defaultAgentBayKnobs(): AgentBayKnobs {
    return { listLagMs: 1_000, allowlisted: true, lookupNotFound: "InvalidVolume.NotFound" };
}

/**
 * Test hooks for the AgentBay emulator: what a person, another stack or a session does
 * outside the volume API. They bypass auth and faults, and throw an `Error` for an unknown volume.
 */
export interface AgentBayControl {
    /** Make a volume out of band (a stranger's, listed at once); returns its id. Names are unique per image. */
    create(imageId: string, name: string): string;
    /** Out-of-band delete, mounted or not. */
    destroy(volumeId: string): void;
    /** Mount the volume in a session (`CreateMcpSession` with `VolumeId`): `DeleteVolume` refuses it until `detach`. */
    attach(volumeId: string, sessionId: string): void;
    /** End the session that mounts it. */
    detach(volumeId: string): void;
    /** Forget every volume. */
    reset(): void;
}
