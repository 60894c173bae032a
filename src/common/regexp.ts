// Users' regular expressions (filters, log attribute options) with Go's regexp syntax and
// RE2 semantics, as Docker compiles them: matching runs in time linear in the input, so no
// pattern such as `(a+)+$` can stall the daemon the way a backtracking engine would.
import { RE2JS } from 're2js';

export interface UserRegexp { test(input: string): boolean }

/** Compiles `pattern`; throws an Error with Go's `error parsing regexp: …` text when it is invalid. */
export function compileUserRegexp(pattern: string): UserRegexp {
  const re = RE2JS.compile(pattern);
  return { test: (input) => re.matcher(input).find() };
}
