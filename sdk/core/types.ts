import type * as pulumi from "@pulumi/pulumi";

/** What `get` may say besides the id: which account's credentials and endpoint read the volume. */
export interface VolumeGetState {
    /** The account to read it with (see the class's `account` argument); absent: the default keys. */
    account?: pulumi.Input<string>;
}

/** What every lookup may say: which account's credentials and endpoint to read with. */
export interface LookupAccount {
    /**
     * The name of an account in the stack config (`<cloud>:accounts.<name>.*`, or the environment
     * variables suffixed `_<NAME>`), as a resource's `account`. Absent: the default keys.
     */
    account?: string;
}

/** How long an operation may take, in seconds. Pulumi's `customTimeouts` never reach a dynamic provider; these do. */
export interface VolumeTimeouts {
    /** Seconds for create, including the wait until the volume is ready. Default 300. */
    create?: number;
    /** Seconds for an update, including the wait until a new size shows. Default 300. */
    update?: number;
    /** Seconds for delete, including retries while the volume is still attached. Default 300. */
    delete?: number;
}
