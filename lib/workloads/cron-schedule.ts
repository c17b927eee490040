import { ProblemList, show } from '../core/errors';

/**
 * CronJob schedules and time zones, checked as Kubernetes reads them, so a
 * schedule the API server or the CronJob controller would reject (or never
 * run) is a problem at synth.
 */

// ---------------------------------------------------------------------------
// Schedules, read as Kubernetes reads them: robfig/cron v3 ParseStandard,
// less `@every` (not a documented CronJob schedule) and anything with "TZ"
// (the API server rejects it in favour of spec.timeZone).

const MACROS: readonly string[] = ['@yearly', '@annually', '@monthly', '@weekly', '@daily', '@midnight', '@hourly'];

interface FieldSpec {
  readonly name: string;
  /** The name with its article, for fixes: "an hour". */
  readonly a: string;
  readonly min: number;
  readonly max: number;
  /** Lowercase names, the first one worth `min`. */
  readonly names?: readonly string[];
}

const FIELDS: readonly FieldSpec[] = [
  { name: 'minute', a: 'a minute', min: 0, max: 59 },
  { name: 'hour', a: 'an hour', min: 0, max: 23 },
  { name: 'day-of-month', a: 'a day-of-month', min: 1, max: 31 },
  { name: 'month', a: 'a month', min: 1, max: 12, names: ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'] },
  { name: 'day-of-week', a: 'a day-of-week', min: 0, max: 6, names: ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] },
];

/** The most days each month can have (February in a leap year). */
const MONTH_DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface Issue { readonly message: string; readonly fix: string }

/** One field: its values, and whether it was `*` or `?` (robfig's star bit, cleared by a step above 1). */
interface Field { readonly values: ReadonlySet<number>; readonly star: boolean }

const EXAMPLE = '"0 3 * * *" (03:00 every day)';

/** Checks a schedule and reports every problem with it under `prop`. */
export function checkSchedule(problems: ProblemList, prop: string, schedule: unknown, env: string | undefined): void {
  for (const i of scheduleIssues(schedule)) problems.add(prop, i.message, i.fix, env);
}

/** Every problem with a schedule, each naming the schedule and the field. */
function scheduleIssues(schedule: unknown): Issue[] {
  if (schedule === undefined) return [{ message: 'is not set', fix: `give a cron expression such as ${EXAMPLE}, or a macro such as "@hourly".` }];
  if (typeof schedule !== 'string') return [{ message: `${show(schedule)} is not a string`, fix: `give a cron expression such as ${EXAMPLE}.` }];
  const s = schedule.trim();
  const at = show(schedule);
  if (s === '') return [{ message: `${at} is empty`, fix: `give a cron expression such as ${EXAMPLE}, or a macro such as "@hourly".` }];
  if (s.includes('TZ')) {
    const m = /^(?:CRON_)?TZ=(\S+)\s+(.+)$/.exec(s);
    return [{
      message: `${at} sets a time zone inside the schedule, which Kubernetes rejects`,
      fix: m ? `use timeZone: ${show(m[1])} and schedule: ${show(m[2])}.` : "remove it and set 'timeZone' instead.",
    }];
  }
  if (s.startsWith('@')) return macroIssues(s, at);
  const parts = s.split(/\s+/);
  if (parts.length !== 5) {
    const seconds = parts.length === 6 && /^[0-9*]/.test(parts[0]);
    return [{
      message: `${at} has ${parts.length} field${parts.length === 1 ? '' : 's'}; Kubernetes takes 5 (minute hour day-of-month month day-of-week)${seconds ? ', with no seconds' : ''}`,
      fix: seconds ? `drop the seconds field: ${show(parts.slice(1).join(' '))}.` : `give all five, e.g. ${EXAMPLE}.`,
    }];
  }
  const issues: Issue[] = [];
  const fields = parts.map((text, i) => parseField(text, FIELDS[i], at, issues));
  if (issues.length === 0) {
    const never = neverRuns(fields as Field[]);
    if (never) issues.push({ message: `${at} never runs: ${never}`, fix: 'pick a day-of-month that one of the months has (February has 29 days only in leap years).' });
  }
  return issues;
}

function macroIssues(s: string, at: string): Issue[] {
  if (MACROS.includes(s)) return [];
  if (s.startsWith('@every')) {
    return [{ message: `${at} is not a schedule Kubernetes documents for a CronJob (only ${MACROS.join(', ')} and cron expressions)`, fix: `write it as a cron expression, e.g. ${everyAsCron(s)}.` }];
  }
  if (MACROS.includes(s.toLowerCase())) return [{ message: `${at} is not a macro Kubernetes knows: macros are lowercase`, fix: `use ${show(s.toLowerCase())}.` }];
  return [{ message: `${at} is not a macro Kubernetes knows`, fix: `use one of ${MACROS.join(', ')}, or a cron expression such as ${EXAMPLE}.` }];
}

/** A cron expression for a simple `@every` interval (steps align to the clock, not to the CronJob's creation). */
function everyAsCron(s: string): string {
  const m = /^@every\s+(\d+)(m|h)$/.exec(s);
  const n = m ? Number(m[1]) : 0;
  if (m && m[2] === 'm' && n > 0 && n < 60 && 60 % n === 0) return show(n === 1 ? '* * * * *' : `*/${n} * * * *`);
  if (m && m[2] === 'h' && n > 0 && n < 24 && 24 % n === 0) return show(n === 1 ? '0 * * * *' : `0 */${n} * * *`);
  return '"*/15 * * * *" for every 15 minutes or "0 */2 * * *" for every 2 hours';
}

/** Parses one field (a comma-separated list of items) as robfig/cron v3's getField does, adding its problems to `issues`. */
function parseField(text: string, f: FieldSpec, at: string, issues: Issue[]): Field | undefined {
  const values = new Set<number>();
  let star = false;
  let ok = true;
  for (const item of text.split(',')) {
    const r = parseItem(item, text, f, at);
    if ('message' in r) {
      issues.push(r);
      ok = false;
      continue;
    }
    r.values.forEach((v) => values.add(v));
    star ||= r.star;
  }
  return ok ? { values, star } : undefined;
}

/** One item of a field: `*`, `?`, `N`, `N-M`, any of them with `/step` (robfig's getRange). */
function parseItem(item: string, text: string, f: FieldSpec, at: string): Field | Issue {
  if (item === '') return { message: `${at} has an empty item in the ${f.name} list ${show(text)}`, fix: 'remove the extra ",".' };
  const slash = item.split('/');
  if (slash.length > 2) return { message: `${at} has ${f.name} ${show(item)}, with more than one "/"`, fix: 'use one step, e.g. "*/15".' };
  const [range, stepText] = slash;
  let start: number;
  let end: number;
  let star = false;
  if (range === '*' || range === '?') {
    if (range === '?' && f.name !== 'day-of-month' && f.name !== 'day-of-week') {
      return { message: `${at} has "?" as the ${f.name}; it is allowed only in day-of-month and day-of-week`, fix: 'use "*".' };
    }
    [start, end, star] = [f.min, f.max, true];
  } else {
    const bounds = range.split('-');
    if (bounds.length > 2) return { message: `${at} has ${f.name} ${show(item)}, with more than one "-"`, fix: 'write a range as start-end, e.g. "1-5".' };
    const parsed = bounds.map((b) => parseValue(b, item, f, at));
    const bad = parsed.find((x): x is Issue => typeof x !== 'number');
    if (bad) return bad;
    [start, end] = [parsed[0] as number, parsed[parsed.length - 1] as number];
    if (start > end) {
      return { message: `${at} has ${f.name} range ${show(range)}, whose start is after its end`, fix: `split it in two: ${show(`${bounds[0]}-${f.max},${f.min}-${bounds[1]}`)}.` };
    }
    if (stepText !== undefined && bounds.length === 1) end = f.max; // "N/step" is "N-max/step"
  }
  let step = 1;
  if (stepText !== undefined) {
    if (!/^\d+$/.test(stepText)) return { message: `${at} has ${f.name} ${show(item)}, whose step ${show(stepText)} is not a whole number`, fix: 'use a step like "*/15".' };
    step = Number(stepText);
    if (step === 0) return { message: `${at} has ${f.name} ${show(item)}, with a step of 0`, fix: 'use a step of at least 1, e.g. "*/5".' };
    if (step > 1) star = false;
  }
  const values = new Set<number>();
  for (let v = start; v <= end; v += step) values.add(v);
  return { values, star };
}

/** A number or (in month and day-of-week, any case) a name, within the field's range. */
function parseValue(token: string, item: string, f: FieldSpec, at: string): number | Issue {
  const named = f.names?.indexOf(token.toLowerCase()) ?? -1;
  if (named >= 0) return f.min + named;
  if (!/^\d+$/.test(token)) {
    if (/^(?:\d*L|\d+W|LW|\w+#\d+)$/i.test(token)) {
      return { message: `${at} has ${f.name} ${show(item)}: "L", "W" and "#" are Quartz extensions Kubernetes' cron parser does not have`, fix: 'use numbers, names, ranges, lists and steps only.' };
    }
    const names = f.names ? ` or a name (${f.names[0].toUpperCase()}-${f.names[f.names.length - 1].toUpperCase()})` : '';
    return { message: `${at} has ${f.name} ${show(item)}, which is not a number${names}`, fix: `use ${f.a} from ${f.min} to ${f.max}${names ? ', or a name' : ''}.` };
  }
  const v = Number(token);
  if (v < f.min || v > f.max) {
    const fix = f.name === 'day-of-week' && v === 7
      ? 'use 0 (or SUN) for Sunday: Kubernetes takes day-of-week 0-6, and 7 is an error there.'
      : `use ${f.a} from ${f.min} to ${f.max}.`;
    return { message: `${at} has ${f.name} ${v}, out of range ${f.min}-${f.max}`, fix };
  }
  return v;
}

/**
 * Why a schedule never fires, or undefined. Day-of-month and day-of-week
 * match together (AND) when either is `*` and either one (OR) otherwise, so
 * only a day-of-month no named month has, with day-of-week `*`, never fires.
 */
function neverRuns([, , dom, month, dow]: readonly Field[]): string | undefined {
  if (dom.star || !dow.star) return undefined;
  const months = [...month.values];
  const first = Math.min(...dom.values);
  if (months.some((m) => first <= MONTH_DAYS[m - 1])) return undefined;
  const names = months.map((m) => FIELDS[3].names![m - 1].toUpperCase()).join(', ');
  return `no month it names (${names}) has day ${first}${dom.values.size > 1 ? ' or later' : ''}`;
}

// ---------------------------------------------------------------------------
// Time zones

/** Parts the API server accepts (validTimeZoneCharacters), capitalized as the tz database does. */
function wellFormedZone(tz: string): boolean {
  return tz.split('/').every((x) => ZONE_PART.test(x) && x !== '.' && x !== '..' && /^[A-Z]/.test(x));
}

let zoneList: ReadonlySet<string> | undefined;

/** The canonical IANA names this runtime knows, plus UTC and Etc/UTC (which ICU lists under other names). */
function knownZones(): ReadonlySet<string> {
  zoneList ??= new Set([...Intl.supportedValuesOf('timeZone'), 'UTC', 'Etc/UTC']);
  return zoneList;
}

/** The zone ICU resolves a name to, or undefined when it knows no such zone. */
function resolveZone(name: string): string | undefined {
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined;
  }
}

/** The API server's rule for each part of a zone name (batch validation, validTimeZoneCharacters). */
const ZONE_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

/**
 * An IANA zone name as the API server (and Go's time.LoadLocation, which is
 * case-sensitive) accepts it. A canonical name of this runtime passes; so
 * does an IANA link ICU knows by another name (`Asia/Kolkata` is listed as
 * `Asia/Calcutta`), when its parts are capitalized as the tz database does.
 */
export function checkTimeZone(problems: ProblemList, prop: string, tz: unknown): void {
  const fix = 'use a tz database name such as "Europe/Amsterdam" or "America/New_York", or leave it out for the time zone of the controller.';
  if (typeof tz !== 'string' || tz.trim() === '') {
    problems.add(prop, `${show(tz)} is not a time zone name`, fix);
    return;
  }
  if (knownZones().has(tz)) return;
  if (tz.toLowerCase() === 'local') {
    problems.add(prop, `${show(tz)} is not an explicit time zone, which Kubernetes requires`, "leave 'timeZone' out for the time zone of the controller, or name one such as \"Europe/Amsterdam\".");
    return;
  }
  const resolved = resolveZone(tz);
  if (resolved && wellFormedZone(tz)) return;
  // Intl reads names case-insensitively; Kubernetes does not: suggest the listed spelling, else the usual capitals of a link
  const listed = [...knownZones()].find((z) => z.toLowerCase() === tz.toLowerCase());
  const titled = tz.split('/').map((part) => part.toLowerCase().replace(/(^|[_-])([a-z])/g, (_m, sep: string, c: string) => sep + c.toUpperCase())).join('/');
  const suggestion = listed ?? (resolved && resolveZone(titled) ? titled : undefined);
  if (suggestion && wellFormedZone(suggestion)) {
    problems.add(prop, `${show(tz)} is not spelt as the tz database spells it; Kubernetes reads zone names case-sensitively`, `use ${show(suggestion)}.`);
  } else {
    problems.add(prop, `${show(tz)} is not an IANA time zone name`, fix);
  }
}
