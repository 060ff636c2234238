// English for the admin screens (Chinese text → English).
export const admin: Record<string, string> = {
};
