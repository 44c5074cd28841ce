/** How long an operation may take, in seconds. Pulumi's `customTimeouts` never reach a dynamic provider; these do. */
export interface VolumeTimeouts {
    /** Seconds for create, including the wait until the volume is ready. Default 300. */
    create?: number;
    /** Seconds for an update, including the wait until a new size shows. Default 300. */
    update?: number;
    /** Seconds for delete, including retries while the volume is still attached. Default 300. */
    delete?: number;
}
