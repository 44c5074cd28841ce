/** The generic emulator machinery a cloud emulator builds on. */
export * from "./types";
export { describeAuthScheme, parseAuthorization, type ParsedAuthorization } from "./auth";
export { FaultInjector, faultLabel, isRespondingFault, type FaultTarget } from "./faults";
export { json, parseJsonObject, readBody, writeResponse, maxBodyBytes, type JsonObjectResult } from "./http";
export { clone, mergeKnobs } from "./knobs";
export { matchesRequest, type MatchTarget, type RequestMatch } from "./match";
export { TokenBucketLimiter, type RateLimit } from "./rateLimiter";
export { defaultRequestLogLimit, RequestLog, redact } from "./requestLog";
export { Router, type RouteMatch, type RouteParams } from "./router";
export { Transitions } from "./transitions";
export { loopbackHost, startCloudServer, type CloudServerOptions, type RunningCloudServer } from "./server";
