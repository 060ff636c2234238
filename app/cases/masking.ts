/** 13812341234 → 138****1234; landlines keep the area code and last 4. */
export function maskPhone(phone: string | null | undefined): string {
  if (!phone) return '';
  if (phone.length <= 7) return phone.replace(/\d(?=\d{2})/g, '*');
  return `${phone.slice(0, 3)}****${phone.slice(-4)}`;
}

/** ID numbers show the first 6 (region) and last 4 digits. */
export function maskIdNumber(id: string | null | undefined): string {
  if (!id) return '';
  return id.length <= 10 ? '*'.repeat(id.length) : `${id.slice(0, 6)}${'*'.repeat(id.length - 10)}${id.slice(-4)}`;
}

/** A person's name shows its first character (周**); a firm's name is public and stays. */
export function maskName(name: string | null | undefined, kind: 'person' | 'firm' = 'person'): string {
  if (!name) return '';
  if (kind === 'firm') return name;
  const chars = [...name];
  return chars[0] + '*'.repeat(Math.max(1, chars.length - 1));
}
