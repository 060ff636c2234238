/** What a citizen may file on the site; praise and reports go by phone, where an operator can ask. */
export const WEB_APPEAL_TYPES = ['complaint', 'help', 'consultation', 'suggestion'] as const;

/** Photos per web appeal: a phone camera burst, as in the field. */
export const MAX_CITIZEN_PHOTOS = 6;
