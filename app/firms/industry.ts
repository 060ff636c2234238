// 国民经济行业分类 (GB/T 4754-2017): twenty sections (门类, a letter), each a run of two-digit divisions (大类);
// groups (中类) and classes (小类) add a third and fourth digit. A firm records the code as far as it is known,
// the section letter first ('C', 'C13', 'C139', 'C1391'), so a rule can ask for the section or the division.

export const INDUSTRY_SECTIONS: Record<string, { name: string; divisions: [number, number] }> = {
  A: { name: '农、林、牧、渔业', divisions: [1, 5] },
  B: { name: '采矿业', divisions: [6, 12] },
  C: { name: '制造业', divisions: [13, 43] },
  D: { name: '电力、热力、燃气及水生产和供应业', divisions: [44, 46] },
  E: { name: '建筑业', divisions: [47, 50] },
  F: { name: '批发和零售业', divisions: [51, 52] },
  G: { name: '交通运输、仓储和邮政业', divisions: [53, 60] },
  H: { name: '住宿和餐饮业', divisions: [61, 62] },
  I: { name: '信息传输、软件和信息技术服务业', divisions: [63, 65] },
  J: { name: '金融业', divisions: [66, 69] },
  K: { name: '房地产业', divisions: [70, 70] },
  L: { name: '租赁和商务服务业', divisions: [71, 72] },
  M: { name: '科学研究和技术服务业', divisions: [73, 75] },
  N: { name: '水利、环境和公共设施管理业', divisions: [76, 79] },
  O: { name: '居民服务、修理和其他服务业', divisions: [80, 82] },
  P: { name: '教育', divisions: [83, 83] },
  Q: { name: '卫生和社会工作', divisions: [84, 85] },
  R: { name: '文化、体育和娱乐业', divisions: [86, 90] },
  S: { name: '公共管理、社会保障和社会组织', divisions: [91, 96] },
  T: { name: '国际组织', divisions: [97, 97] },
};

/** Why an industry code is refused, or null: the letter must be a section and the digits one of its divisions. */
export function industryProblem(code: string): string | null {
  const m = /^([A-Z])(\d{2,4})?$/.exec(code);
  if (!m) return '行业代码为门类字母加 0、2、3 或 4 位数字，例如 C 或 C1391';
  const section = INDUSTRY_SECTIONS[m[1]];
  if (!section) return `没有门类 ${m[1]}（门类为 A–T）`;
  if (m[2]) {
    const division = Number(m[2].slice(0, 2));
    const [from, to] = section.divisions;
    if (division < from || division > to)
      return `大类 ${m[2].slice(0, 2)} 不属于门类 ${m[1]}（${section.name}：${String(from).padStart(2, '0')}–${String(to).padStart(2, '0')}）`;
  }
  return null;
}

/** The code as it is shown: the section's name beside it. */
export function industryLabel(code: string): string {
  const section = INDUSTRY_SECTIONS[code.slice(0, 1)];
  return section ? `${code} ${section.name}` : code;
}
