/** An AIRuntime instance a volume is attached to. */
export interface AttachedTo {
    /** The instance's UUID. */
    instanceId: string;
    /** The instance's name. */
    instanceName: string;
    /** The instance's type. */
    instanceType: string;
}

/** A mount of the volume, as NeevCloud reports it. */
export interface VolumeAttachment {
    /** Attachment id. */
    id?: string;
    /** What mounts it: `airuntime`, `vm`, … */
    resourceType?: string;
    /** The mounting resource's id. */
    resourceId?: string;
    /** The mounting resource's name. */
    resourceName?: string;
    /** Where it is mounted. */
    mountPath?: string;
    /** `mounted` or `unmounted`. */
    status?: string;
    /** When the attachment was made. */
    createdAt?: string;
}
