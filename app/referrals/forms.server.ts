// Turns a submitted referral action form into the event's payload. Like the appeal's payloadFromForm:
// empty fields are left out (the schema then reports them as missing), ids become numbers, yes/no
// become booleans, party checkboxes become id lists and a datetime-local field (Beijing time, as the
// user typed it) becomes an ISO instant with +08:00. Due times are never taken from a form: the
// service computes them. Everything else is validated by the event's own schema in the service.

const ENVELOPE_FIELDS = ['intent', 'version', 'dueAt'];
const NUMBER_FIELDS = ['no', 'referOnAgencyId'];
const ID_LIST_FIELDS = ['attendeePartyIds', 'signedPartyIds'];
const BOOLEAN_FIELDS = ['resolved'];
const LOCAL_TIME_FIELDS = ['scheduledAt', 'heldAt'];

/** 'YYYY-MM-DDTHH:mm[:ss]' typed in Beijing time → ISO with offset; anything else is left for the schema to refuse. */
export function beijingLocalToIso(value: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(:\d{2})?$/.exec(value);
  if (!m) return value;
  const iso = `${m[1]}T${m[2]}${m[3] ?? ':00'}+08:00`;
  return Number.isNaN(Date.parse(iso)) ? value : iso;
}

export function referralPayloadFromForm(type: string, form: FormData): Record<string, unknown> {
  const payload: Record<string, unknown> = {};
  // The checkbox lists are always sent, even empty, so "nobody signed" is refused by the schema's own rule.
  if (type === 'RECORD_SESSION' && form.has('attendeePartyIds-present')) payload.attendeePartyIds = [];
  if (type === 'REACH_AGREEMENT') payload.signedPartyIds = [];
  for (const [key, raw] of form.entries()) {
    if (ENVELOPE_FIELDS.includes(key) || key.endsWith('-present') || typeof raw !== 'string') continue;
    const value = raw.trim();
    if (ID_LIST_FIELDS.includes(key)) {
      if (value) payload[key] = [...((payload[key] as unknown[]) ?? []), /^\d+$/.test(value) ? Number(value) : value];
      continue;
    }
    if (!value) continue;
    if (NUMBER_FIELDS.includes(key)) payload[key] = /^\d+$/.test(value) ? Number(value) : value;
    else if (BOOLEAN_FIELDS.includes(key)) payload[key] = value === 'yes' ? true : value === 'no' ? false : value;
    else if (LOCAL_TIME_FIELDS.includes(key)) payload[key] = beijingLocalToIso(value);
    else payload[key] = value;
  }
  return payload;
}
