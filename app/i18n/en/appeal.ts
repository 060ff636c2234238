// English for the appeal screens (Chinese text → English).
export const appeal: Record<string, string> = {
};
