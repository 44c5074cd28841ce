import { strict as assert } from "node:assert";

/** `value`, asserted to be there: in a test, a missing item is a failure, not a type to work around. */
export function present<T>(value: T | undefined, what = "the expected value"): T {
    assert.ok(value !== undefined, `${what} is missing`);
    return value;
}
