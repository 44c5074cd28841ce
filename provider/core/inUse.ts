import { type Backoff, backoffPause } from "./backoff";
import type { Deadline } from "./deadline";
import { answerFacts, ApiError, VolumeError } from "./errors";
import { currentProgress } from "./progress";

/** What a failed attempt means: held by something (retry), gone already (done), or a real failure. */
export type InUseVerdict = { status: "inUse"; holder?: string } | { status: "gone" } | { status: "failed" };

export interface WhileInUseOptions {
    deadline: Deadline;
    /** Starts the final message: `fly delete volume web/vol_1`. */
    subject: string;
    /** Reads a failed attempt; may look at the resource to name what holds it. */
    classify: (error: unknown) => InUseVerdict | Promise<InUseVerdict>;
    /** How the holder reads in the final message: `attached to machine m_1`, `in use by airuntime t-1`. */
    held: (holder: string | undefined) => string;
    /** What to do, for the final message: `Destroy that machine first (stopping it is not enough)`. */
    remedy: string;
    /** Pauses between attempts; default {@link inUseBackoff}. */
    backoff?: Backoff;
}

/** 1 s growing ×1.5 to 5 s: a Fly volume stays bound about a minute after its Machine is destroyed. */
const inUseBackoff: Backoff = { firstMs: 1_000, factor: 1.5, maxMs: 5_000, jitter: "none" };

/**
 * Runs `attempt` until it succeeds, retrying while the resource is in use (Fly keeps a volume bound
 * for about a minute after its Machine is destroyed; NeevCloud refuses to delete a mounted volume),
 * with backoff up to 5 s, until the deadline. Nothing is sent once the deadline has passed. The
 * final error names the holder, what the cloud last said (status, code, request id) and the remedy.
 */
export async function retryWhileInUse(attempt: () => Promise<unknown>, opts: WhileInUseOptions): Promise<void> {
    const backoff = opts.backoff ?? inUseBackoff;
    const progress = currentProgress();
    let waiting: string | undefined;
    // The last "in use" answer: an attempt that then runs into the deadline is still that story.
    let held: { holder?: string; error: unknown } | undefined;
    const outOfTime = (error: unknown) => (held && opts.deadline.expired() ? inUseError(opts, held.holder, held.error) : error);
    for (let n = 0; ; n++) {
        let error: unknown;
        try {
            await attempt();
            return;
        } catch (e) {
            error = e;
        }
        let verdict: InUseVerdict;
        try {
            verdict = await opts.classify(error);
        } catch (e) {
            throw outOfTime(e);
        }
        if (verdict.status === "gone") return;
        if (verdict.status === "failed") throw outOfTime(error);
        held = { holder: verdict.holder, error };
        // A wait, not a storm of retries: one line now, then one every ~10 s.
        const what = `${opts.subject} to be released (${opts.held(verdict.holder)})`;
        if (waiting !== what) {
            if (waiting) progress.waitEnded(waiting);
            waiting = what;
            progress.waitStarted(what);
        } else progress.stillWaiting(what, undefined);
        if (!(await opts.deadline.sleep(backoffPause(backoff, n)))) throw inUseError(opts, verdict.holder, error);
    }
}

function inUseError(opts: WhileInUseOptions, holder: string | undefined, last: unknown): VolumeError {
    const meta = last instanceof ApiError ? answerFacts(last.details) : "";
    return new VolumeError(
        `${opts.subject}: still ${opts.held(holder)} after ${opts.deadline.seconds} s${meta ? ` (${meta})` : ""}. ` +
            `${opts.remedy}, then run the delete again; or ${opts.deadline.hint()}.`,
        { cause: last },
    );
}
