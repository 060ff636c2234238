/** What a citizen may file on the site; praise and reports go by phone, where an operator can ask. */
export const WEB_APPEAL_TYPES = ['complaint', 'help', 'consultation', 'suggestion'] as const;
