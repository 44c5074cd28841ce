/**
 * The object store behind VM0's presigned URLs (S3 in production), served by the emulator itself
 * under `/_objects/<key>`. A URL is signed for one method and one key, and expires: it carries no
 * VM0 token, so a client must send none.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { EmuRequest, EmuResponse } from "../core/types";
import type { Vm0Store } from "./store";

export const objectsPrefix = "/_objects/";

/** Largest object PUT the emulator takes: VM0's 100 MB upload limit, plus room for tar headers. */
export const maxObjectBytes = 100 * 1024 * 1024 + 8 * 1024 * 1024;

export class Presigner {
    private readonly secret = randomBytes(32);

    constructor(
        private readonly now: () => number,
        private readonly ttlSeconds: () => number,
    ) {}

    /** `http://<host>/_objects/<key>?X-Amz-Date=…&X-Amz-Expires=…&X-Amz-Signature=…` */
    url(origin: string, method: "GET" | "PUT", key: string): string {
        const date = String(this.now());
        const expires = String(this.ttlSeconds());
        const sig = this.sign(method, key, date, expires);
        const path = key.split("/").map(encodeURIComponent).join("/");
        return `${origin}${objectsPrefix}${path}?X-Amz-Date=${date}&X-Amz-Expires=${expires}&X-Amz-Signature=${sig}`;
    }

    private sign(method: string, key: string, date: string, expires: string): string {
        return createHmac("sha256", this.secret).update(`${method}\n${key}\n${date}\n${expires}`).digest("hex");
    }

    /** Serves GET and PUT on a presigned URL. */
    handle(req: EmuRequest, store: Vm0Store): EmuResponse {
        let key: string;
        try {
            key = req.path.slice(objectsPrefix.length).split("/").map(decodeURIComponent).join("/");
        } catch {
            return s3Error(400, "InvalidURI", "Couldn't parse the specified URI.");
        }
        if (req.method !== "GET" && req.method !== "PUT") return s3Error(405, "MethodNotAllowed", "The specified method is not allowed.");
        const date = req.query.get("X-Amz-Date") ?? "";
        const expires = req.query.get("X-Amz-Expires") ?? "";
        const given = Buffer.from(req.query.get("X-Amz-Signature") ?? "", "utf8");
        const wanted = Buffer.from(this.sign(req.method, key, date, expires), "utf8");
        if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
            return s3Error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the signature you provided.");
        }
        if (this.now() > Number(date) + Number(expires) * 1000) return s3Error(403, "AccessDenied", "Request has expired");
        if (req.method === "PUT") {
            store.putObject(key, req.body);
            return { status: 200, headers: { etag: `"${key.length}-${req.body.length}"` } };
        }
        const bytes = store.object(key);
        if (!bytes) return s3Error(404, "NoSuchKey", "The specified key does not exist.");
        const type = key.endsWith(".json") ? "application/json" : "application/gzip";
        return { status: 200, rawBody: bytes, headers: { "content-type": type } };
    }
}

function s3Error(status: number, code: string, message: string): EmuResponse {
    return {
        status,
        rawBody: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`,
        headers: { "content-type": "application/xml" },
    };
}
