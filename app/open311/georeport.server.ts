import { randomBytes } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/sql';
import { z } from 'zod';
import type { Open311Answer, Open311Reporter, QuestionDatatype, QuestionValue } from '../../entities/open311';
import type { ApiPrincipal } from '../api-clients/authenticate.server';
import { fileClientAppeal } from '../api-clients/filing.server';
import type { AppealServices } from '../appeals/service.server';
import { publicStatusOf, type PublicStatus } from '../citizen/tracking.server';
import { all, dateOrNull, inTransaction, jsonb, one, run } from '../db/sql.server';
import { InvalidInput, NotFound, parseInput } from '../domain/errors';
import { cityBounds, gridForPoint } from '../grids/grids.server';
import type { Fields } from './format.server';

// The resources of Open311 GeoReport v2 over the hotline's own data: the category tree is the list of services,
// a category's questions its service definition, a submitted appeal a service request. What another system reads
// is what a citizen could read of any appeal: never who filed it, how to reach them, or what staff noted.

/** The date of this interface's current shape, as the discovery document gives it. */
export const CHANGESET = '2026-12-04T00:00:00Z';
export const SPECIFICATION = 'http://wiki.open311.org/GeoReport_v2';
/** The widest window of one list of requests, and its default (the last 90 days). */
export const MAX_WINDOW_DAYS = 90;
export const MAX_REQUESTS = 1000;
export const MAX_DESCRIPTION = 4000;

const DAY = 86_400_000;

/** The jurisdiction ids this server answers for (OPEN311_JURISDICTIONS, comma-separated); a call may leave it out. */
export function jurisdictions(): string[] {
  const list = (process.env.OPEN311_JURISDICTIONS ?? '12345')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length ? list : ['12345'];
}

const jurisdictionField = z.preprocess(
  (v) => (v === '' || v === null ? undefined : v),
  z.string().trim().max(100, 'jurisdiction_id is too long').optional(),
);

/** An unknown jurisdiction is not here at all: 404, as for an unknown service. */
function checkJurisdiction(id: string | undefined) {
  if (id !== undefined && !jurisdictions().includes(id)) throw new NotFound(`jurisdiction_id ${id} is not served here`);
}

const iso = (d: unknown) => dateOrNull(d)?.toISOString() ?? null;

// --- Discovery -----------------------------------------------------------------------------------------------

export function discovery(origin: string): Fields {
  return {
    changeset: CHANGESET,
    contact: process.env.OPEN311_CONTACT ?? '12345 政务服务便民热线管理办公室，电话 12345',
    key_service:
      process.env.OPEN311_KEY_SERVICE ?? '接口密钥由 12345 热线管理员签发：请致电 12345 联系热线管理办公室申请',
    endpoints: [
      {
        specification: SPECIFICATION,
        url: `${origin.replace(/\/$/, '')}/open311/v2`,
        changeset: CHANGESET,
        type: 'production',
        formats: ['text/xml', 'application/json'],
      },
    ],
  };
}

// --- Services --------------------------------------------------------------------------------------------------

interface ServiceRow {
  id: number;
  code: string;
  name: string;
  group_name: string | null;
  metadata: boolean;
}

/** Active leaf categories under an active parent: the services a request may name. */
const SERVICES_SQL = `select c.id, c.code, c.name, p.name as group_name,
         exists (select 1 from category_question q where q.category_id = c.id) as metadata
    from category c left join category p on p.id = c.parent_id
   where c.active and (p.id is null or p.active)
     and not exists (select 1 from category k where k.parent_id = c.id and k.active)`;

const serviceFields = (s: ServiceRow): Fields => ({
  service_code: s.code,
  service_name: s.name,
  description: s.group_name ? `${s.group_name}／${s.name}` : s.name,
  metadata: Boolean(s.metadata),
  type: 'realtime',
  keywords: [s.name, s.group_name].filter(Boolean).join(','),
  group: s.group_name ?? '',
});

export async function services(em: EntityManager, raw: Record<string, unknown>): Promise<Fields[]> {
  checkJurisdiction(parseInput(z.object({ jurisdiction_id: jurisdictionField }), raw).jurisdiction_id);
  return (await all<ServiceRow>(em, `${SERVICES_SQL} order by c.code`)).map(serviceFields);
}

const serviceCode = z.string().trim().min(1, 'service_code is required').max(32, 'service_code is too long');

async function serviceOf(em: EntityManager, code: string): Promise<ServiceRow> {
  const row = await one<ServiceRow>(em, `${SERVICES_SQL} and c.code = ?`, [code]);
  if (!row) throw new NotFound(`service_code ${code} was not found`);
  return row;
}

interface QuestionRow {
  code: string;
  datatype: QuestionDatatype;
  required: boolean;
  datatype_description: string | null;
  sort_order: number;
  description: string;
  choices: unknown;
}

const questionsOf = (em: EntityManager, categoryId: number) =>
  all<QuestionRow>(
    em,
    `select code, datatype, required, datatype_description, sort_order, description, choices
       from category_question where category_id = ? order by sort_order, id`,
    [categoryId],
  );

const choicesOf = (q: QuestionRow) => jsonb<QuestionValue[] | null>(q.choices) ?? [];

export async function serviceDefinition(
  em: EntityManager,
  code: string,
  raw: Record<string, unknown>,
): Promise<Fields> {
  checkJurisdiction(parseInput(z.object({ jurisdiction_id: jurisdictionField }), raw).jurisdiction_id);
  const service = await serviceOf(em, parseInput(serviceCode, code));
  return {
    service_code: service.code,
    attributes: (await questionsOf(em, service.id)).map((q) => ({
      variable: true,
      code: q.code,
      datatype: q.datatype,
      required: q.required,
      datatype_description: q.datatype_description ?? '',
      order: q.sort_order,
      description: q.description,
      values: choicesOf(q).map((v) => ({ key: v.key, name: v.name })),
    })),
  };
}

// --- Filing a request ------------------------------------------------------------------------------------------

const blank = (v: unknown) => (v === '' || v === null ? undefined : v);
const text = (field: string, max: number) =>
  z.preprocess(blank, z.string().trim().max(max, `${field} may have at most ${max} characters`).optional());

/** Spaces, dashes and a +86 in front are how people write a number; what is left must be one. */
const phoneField = z.preprocess(
  (v) => (typeof v === 'string' ? blank(v.replace(/[\s()]/g, '').replace(/^\+?86(?=1\d{10}$)/, '')) : v),
  z
    .string()
    .regex(/^(1\d{10}|0\d{2,3}-?\d{7,8}|\d{3,12})$/, 'phone is not a telephone number')
    .optional(),
);

export const requestSchema = z
  .object({
    jurisdiction_id: jurisdictionField,
    service_code: serviceCode,
    lat: z.preprocess(blank, z.coerce.number({ message: 'lat must be a number' }).min(-90).max(90).optional()),
    long: z.preprocess(blank, z.coerce.number({ message: 'long must be a number' }).min(-180).max(180).optional()),
    address_string: text('address_string', 255),
    address_id: text('address_id', 100),
    email: z.preprocess(blank, z.email('email is not an e-mail address').max(254).optional()),
    device_id: text('device_id', 100),
    account_id: text('account_id', 100),
    first_name: text('first_name', 50),
    last_name: text('last_name', 50),
    phone: phoneField,
    description: text('description', MAX_DESCRIPTION),
    media_url: z.preprocess(
      blank,
      z
        .url({ protocol: /^https?$/, message: 'media_url must be an http or https address' })
        .max(2048, 'media_url is too long')
        .optional(),
    ),
  })
  .refine((r) => (r.lat === undefined) === (r.long === undefined), {
    message: 'lat and long go together',
    path: ['lat'],
  })
  .refine((r) => r.lat !== undefined || r.address_string || r.address_id, {
    message: 'a location is required: lat and long, address_string or address_id',
    path: ['lat'],
  });

/** The form as GeoReport sends it: plain fields, and `attribute[code]` (a list question's keys repeated or `[]`). */
export function splitRequestForm(form: FormData): {
  fields: Record<string, string>;
  attributes: Map<string, string[]>;
} {
  const fields: Record<string, string> = {};
  const attributes = new Map<string, string[]>();
  for (const [name, value] of form) {
    if (typeof value !== 'string') continue;
    const m = /^attribute\[([^\]]{1,50})\](\[\])?$/.exec(name);
    if (m) attributes.set(m[1], [...(attributes.get(m[1]) ?? []), value.trim()].filter(Boolean));
    else if (!(name in fields)) fields[name] = value;
  }
  return { fields, attributes };
}

/** Each answer checked against its question: required ones present, list keys among the choices, numbers, times. */
export function checkAnswers(questions: QuestionRow[], attributes: Map<string, string[]>): Open311Answer[] {
  const errors: Record<string, string[]> = {};
  const refuse = (code: string, message: string) => (errors[`attribute[${code}]`] ??= []).push(message);
  const known = new Set(questions.map((q) => q.code));
  for (const code of attributes.keys())
    if (!known.has(code)) refuse(code, `attribute[${code}] is not asked by this service`);
  const answers: Open311Answer[] = [];
  for (const q of questions) {
    const values = [...new Set(attributes.get(q.code) ?? [])];
    if (!values.length) {
      if (q.required) refuse(q.code, `attribute[${q.code}] is required`);
      continue;
    }
    const choices = choicesOf(q);
    if (q.datatype === 'multivaluelist') {
      const unknown = values.filter((v) => !choices.some((c) => c.key === v));
      if (unknown.length) refuse(q.code, `attribute[${q.code}] has no choice ${unknown.join(', ')}`);
      else
        answers.push({
          code: q.code,
          question: q.description,
          value: values,
          shown: values.map((v) => choices.find((c) => c.key === v)!.name).join('、'),
        });
      continue;
    }
    if (values.length > 1) {
      refuse(q.code, `attribute[${q.code}] takes one value`);
      continue;
    }
    const [value] = values;
    let shown = value;
    if (q.datatype === 'singlevaluelist') {
      const choice = choices.find((c) => c.key === value);
      if (!choice) refuse(q.code, `attribute[${q.code}] has no choice ${value}`);
      else shown = choice.name;
    } else if (q.datatype === 'number') {
      if (!/^-?\d{1,12}(\.\d{1,6})?$/.test(value)) refuse(q.code, `attribute[${q.code}] must be a number`);
    } else if (q.datatype === 'datetime') {
      if (!z.iso.datetime({ offset: true }).safeParse(value).success)
        refuse(q.code, `attribute[${q.code}] must be an ISO 8601 date and time`);
    } else {
      const max = q.datatype === 'text' ? MAX_DESCRIPTION : 255;
      if (value.length > max) refuse(q.code, `attribute[${q.code}] may have at most ${max} characters`);
    }
    answers.push({ code: q.code, question: q.description, value, shown });
  }
  if (Object.keys(errors).length) throw new InvalidInput(Object.values(errors).flat().join('; '), errors);
  return answers;
}

/** A point is refused outside the city, as on the public site; inside, it names the grid it falls in. */
async function placeOf(em: EntityManager, lat: number | undefined, lng: number | undefined) {
  if (lat === undefined || lng === undefined) return {};
  const city = await cityBounds(em);
  if (city && (lat < city.south || lat > city.north || lng < city.west || lng > city.east))
    throw new InvalidInput('lat and long are outside the city', { lat: ['lat and long are outside the city'] });
  return { lat, lng, gridId: (await gridForPoint(em, { lat, lng }))?.id };
}

export const SERVICE_NOTICE = '已受理，将按 12345 热线的办理时限办理';

/**
 * Files a service request: the form checked (fields, location, the service, its questions) before anything is
 * written, then in one transaction the appeal filed and submitted as the client, and its token row with the
 * answers, media link and reporter beside it.
 */
export async function submitRequest(
  services: AppealServices,
  client: Pick<ApiPrincipal, 'id'>,
  form: FormData,
  now: Date,
): Promise<Fields[]> {
  const em = services.db.em();
  const { fields, attributes } = splitRequestForm(form);
  const input = parseInput(requestSchema, fields);
  checkJurisdiction(input.jurisdiction_id);
  const service = await serviceOf(em, input.service_code);
  const answers = checkAnswers(await questionsOf(em, service.id), attributes);
  const place = await placeOf(em, input.lat, input.long);
  const description = input.description?.replace(/\s+/g, ' ');
  const name = `${input.last_name ?? ''}${input.first_name ?? ''}`.trim();
  const reporter: Open311Reporter = {
    ...(input.email ? { email: input.email } : {}),
    ...(input.device_id ? { deviceId: input.device_id } : {}),
    ...(input.account_id ? { accountId: input.account_id } : {}),
  };
  const token = randomBytes(24).toString('base64url');
  const filed = await inTransaction(em, async (tx) => {
    const appeal = await fileClientAppeal(
      tx,
      services,
      client,
      {
        type: 'help',
        categoryId: service.id,
        callerPhone: input.phone,
        citizenName: name || undefined,
        title: (description ? `${service.name}：${description}` : `${service.name}（系统接口报送）`).slice(0, 40),
        content:
          input.description && input.description.length >= 5
            ? input.description
            : `系统接口报送：${service.name}${input.description ? `，${input.description}` : ''}`,
        address: input.address_string,
        ...place,
      },
      now,
    );
    await run(
      tx,
      `insert into open311_token (token, client_id, appeal_id, answers, media_url, address_id, reporter, created_at)
       values (?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        token,
        client.id,
        appeal.id,
        JSON.stringify(answers),
        input.media_url ?? null,
        input.address_id ?? null,
        JSON.stringify(reporter),
        now,
      ],
    );
    return appeal;
  });
  return [
    { service_request_id: filed.number, token, service_notice: SERVICE_NOTICE, account_id: input.account_id ?? null },
  ];
}

// --- Reading requests ------------------------------------------------------------------------------------------

const commaList = (field: string, pattern: RegExp, max: number) =>
  z.preprocess(
    blank,
    z
      .string()
      .transform((s) => [...new Set(s.split(',').map((v) => v.trim()))].filter(Boolean))
      .pipe(
        z
          .array(z.string().regex(pattern, `${field} has a value that is not one`))
          .min(1)
          .max(max, `${field} lists at most ${max} values`),
      )
      .optional(),
  );

const w3cDate = (field: string) =>
  z.preprocess(
    blank,
    z.iso
      .datetime({ offset: true, message: `${field} must be a W3C date and time, e.g. 2026-12-01T00:00:00+08:00` })
      .transform((s) => new Date(s))
      .optional(),
  );

export const listSchema = z.object({
  jurisdiction_id: jurisdictionField,
  service_request_id: commaList('service_request_id', /^[A-Za-z0-9-]{1,20}$/, MAX_REQUESTS),
  service_code: commaList('service_code', /^[A-Za-z0-9_.-]{1,32}$/, 100),
  start_date: w3cDate('start_date'),
  end_date: w3cDate('end_date'),
  status: commaList('status', /^(open|closed)$/, 2),
});
export type ListQuery = z.output<typeof listSchema>;

interface RequestRow {
  id: number;
  number: string;
  closed: boolean;
  phase: string;
  service_code: string;
  service_name: string;
  content: string;
  confidential: boolean;
  agency: string | null;
  submitted_at: Date | string;
  updated_at: Date | string;
  due_at: Date | string | null;
  address: string | null;
  lat: number | null;
  lng: number | null;
  address_id: string | null;
  media_url: string | null;
}

const REQUEST_COLUMNS = `select a.id, a.number, a.tags @> '{closed}' as closed, a.phase, c.code as service_code,
         c.name as service_name, a.content, a.confidential, d.name as agency, a.submitted_at, a.updated_at, a.due_at,
         a.address, a.lat, a.lng, t.address_id, t.media_url
    from appeal a join category c on c.id = a.category_id
    left join department d on d.id = a.lead_department_id
    left join open311_token t on t.appeal_id = a.id`;

/** The window a list reads: the given dates, else the 90 days up to the end (now by default). */
export function listWindow(q: Pick<ListQuery, 'start_date' | 'end_date'>, now: Date): { start: Date; end: Date } {
  const end =
    q.end_date ??
    (q.start_date ? new Date(Math.min(now.getTime(), q.start_date.getTime() + MAX_WINDOW_DAYS * DAY)) : now);
  const start = q.start_date ?? new Date(end.getTime() - MAX_WINDOW_DAYS * DAY);
  if (start > end)
    throw new InvalidInput('start_date is after end_date', { start_date: ['start_date is after end_date'] });
  if (end.getTime() - start.getTime() > MAX_WINDOW_DAYS * DAY)
    throw new InvalidInput(`the range from start_date to end_date may be at most ${MAX_WINDOW_DAYS} days`, {
      start_date: [`at most ${MAX_WINDOW_DAYS} days`],
    });
  return { start, end };
}

/**
 * The statement of a list of requests: by number when numbers are given (the specification lets them override
 * every other filter), else the window on requested time, newest first, on the index of submitted appeals by
 * submission (its predicate spelled as the index spells it).
 */
export function requestListStatement(q: ListQuery, now: Date): { sql: string; params: unknown[] } {
  if (q.service_request_id)
    return {
      sql: `${REQUEST_COLUMNS} where not a.tags @> '{draft}' and a.number in (?) order by a.submitted_at desc, a.id desc limit ${MAX_REQUESTS}`,
      params: [q.service_request_id],
    };
  const { start, end } = listWindow(q, now);
  const where = [`not a.tags @> '{draft}'`, 'a.submitted_at >= ?', 'a.submitted_at <= ?'];
  const params: unknown[] = [start, end];
  if (q.service_code) {
    where.push('c.code in (?)');
    params.push(q.service_code);
  }
  if (q.status?.length === 1)
    where.push(q.status[0] === 'closed' ? `a.tags @> '{closed}'` : `not a.tags @> '{closed}'`);
  return {
    sql: `${REQUEST_COLUMNS} where ${where.join(' and ')} order by a.submitted_at desc, a.id desc limit ${MAX_REQUESTS}`,
    params,
  };
}

/** The events a request's status notes are read from: the answer approved for the citizen, as tracking shows it. */
export const NOTE_EVENTS = [
  'REPLY',
  'SELF_HANDLE',
  'APPROVE_REPLY',
  'VERIFY_APPROVE',
  'RESOLVE_ON_SPOT',
  'REDO',
  'REOPEN',
];
export const NOTES_SQL = `select appeal_id, type, payload from appeal_event
  where appeal_id in (?) and type in (?) order by appeal_id, seq`;

const STATUS_WORDS: Record<PublicStatus, string> = {
  received: '已受理，等待派单',
  handling: '办理中',
  answered: '已答复',
  closed: '已办结',
  merged: '已与其他诉求合并办理',
  void: '已作废',
  withdrawn: '已撤回',
};

/** Each appeal's latest answer the hotline approved (a reply shows only with its approval); none after a redo. */
async function statusNotes(em: EntityManager, ids: number[]): Promise<Map<number, string>> {
  const notes = new Map<number, string>();
  if (!ids.length) return notes;
  const replies = new Map<number, string>();
  for (const e of await all<{ appeal_id: number; type: string; payload: unknown }>(em, NOTES_SQL, [ids, NOTE_EVENTS])) {
    const payload = jsonb<Record<string, unknown>>(e.payload) ?? {};
    if (e.type === 'REPLY' || e.type === 'SELF_HANDLE') replies.set(e.appeal_id, String(payload.result ?? ''));
    else if (e.type === 'RESOLVE_ON_SPOT') notes.set(e.appeal_id, String(payload.answer ?? ''));
    else if (e.type === 'REDO' || e.type === 'REOPEN') notes.delete(e.appeal_id);
    else if (replies.has(e.appeal_id)) notes.set(e.appeal_id, replies.get(e.appeal_id)!);
  }
  return notes;
}

/** A request as another system reads it. A confidential appeal keeps its words and its place to itself. */
function requestFields(r: RequestRow, notes: Map<number, string>): Fields {
  const open = !r.confidential;
  return {
    service_request_id: r.number,
    status: r.closed ? 'closed' : 'open',
    status_notes: notes.get(r.id) || STATUS_WORDS[publicStatusOf(r.phase)],
    service_name: r.service_name,
    service_code: r.service_code,
    description: open ? r.content : null,
    agency_responsible: r.agency,
    service_notice: null,
    requested_datetime: iso(r.submitted_at),
    updated_datetime: iso(r.updated_at),
    expected_datetime: iso(r.due_at),
    address: open ? r.address : null,
    address_id: open ? r.address_id : null,
    zipcode: null,
    lat: open ? r.lat : null,
    long: open ? r.lng : null,
    media_url: open ? r.media_url : null,
  };
}

export async function listRequests(em: EntityManager, raw: Record<string, unknown>, now: Date): Promise<Fields[]> {
  const q = parseInput(listSchema, raw);
  checkJurisdiction(q.jurisdiction_id);
  const statement = requestListStatement(q, now);
  const rows = await all<RequestRow>(em, statement.sql, statement.params);
  const notes = await statusNotes(
    em,
    rows.map((r) => r.id),
  );
  return rows.map((r) => requestFields(r, notes));
}

export async function getRequest(em: EntityManager, id: string, raw: Record<string, unknown>): Promise<Fields[]> {
  checkJurisdiction(parseInput(z.object({ jurisdiction_id: jurisdictionField }), raw).jurisdiction_id);
  if (!/^[A-Za-z0-9-]{1,20}$/.test(id)) throw new NotFound(`service_request_id ${id} was not found`);
  const row = await one<RequestRow>(em, `${REQUEST_COLUMNS} where not a.tags @> '{draft}' and a.number = ?`, [id]);
  if (!row) throw new NotFound(`service_request_id ${id} was not found`);
  return [requestFields(row, await statusNotes(em, [row.id]))];
}

/** The request a token stands for; only the client that filed it may ask. */
export async function requestByToken(
  em: EntityManager,
  client: Pick<ApiPrincipal, 'id'>,
  token: string,
  raw: Record<string, unknown>,
): Promise<Fields[]> {
  checkJurisdiction(parseInput(z.object({ jurisdiction_id: jurisdictionField }), raw).jurisdiction_id);
  const row = /^[A-Za-z0-9_-]{20,64}$/.test(token)
    ? await one<{ number: string }>(
        em,
        'select a.number from open311_token t join appeal a on a.id = t.appeal_id where t.token = ? and t.client_id = ?',
        [token, client.id],
      )
    : undefined;
  if (!row) throw new NotFound(`token ${token} was not found`);
  return [{ service_request_id: row.number, token }];
}

// --- The appeal page -------------------------------------------------------------------------------------------

export interface InterfaceFiling {
  client: string;
  answers: Open311Answer[];
  mediaUrl: string | null;
  addressId: string | null;
  reporter: Open311Reporter;
}

/** What the filing system sent beside the appeal (接口附加信息), for a staff member who may see the appeal. */
export async function interfaceFiling(em: EntityManager, appealId: number): Promise<InterfaceFiling | null> {
  const row = await one<{
    client: string;
    answers: unknown;
    media_url: string | null;
    address_id: string | null;
    reporter: unknown;
  }>(
    em,
    `select c.name as client, t.answers, t.media_url, t.address_id, t.reporter
       from appeal a join api_client c on c.id = a.api_client_id left join open311_token t on t.appeal_id = a.id
      where a.id = ?`,
    [appealId],
  );
  if (!row) return null;
  return {
    client: row.client,
    answers: jsonb<Open311Answer[] | null>(row.answers) ?? [],
    mediaUrl: row.media_url,
    addressId: row.address_id,
    reporter: jsonb<Open311Reporter | null>(row.reporter) ?? {},
  };
}
