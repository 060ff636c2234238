// English for patrol reports (巡查上报) that a grid worker handles on the spot (自行处置).
export const patrol: Record<string, string> = {
  自行处置: 'Handled on the spot',
};
