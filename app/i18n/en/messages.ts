// English for the messages screens (Chinese text → English).
export const messages: Record<string, string> = {
};
