// English for the intake screens (Chinese text → English).
export const intake: Record<string, string> = {
};
