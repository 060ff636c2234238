import type { CategoryLimits } from '../../entities/category';
import type { UserRole } from '../../entities/user';
import { DEFAULT_LIMITS } from '../appeals/deadlines';

// The demo city: a small prefecture-level city with three districts, five streets,
// ten communities, twenty grids and the bureaus and utilities a hotline dispatches to.
export const CITY = { code: 'C', name: '示范市', hotline: '12345' };

export const DISTRICTS = [
  {
    code: 'D01',
    name: '东城区',
    hotline: '0571-81000001',
    streets: [
      { code: 'S0101', name: '朝阳街道', communities: ['向阳社区', '光明社区'] },
      { code: 'S0102', name: '和平街道', communities: ['和平里社区', '安华社区'] },
    ],
  },
  {
    code: 'D02',
    name: '西城区',
    hotline: '0571-82000001',
    streets: [
      { code: 'S0201', name: '新华街道', communities: ['新华社区', '文昌社区'] },
      { code: 'S0202', name: '育才街道', communities: ['育才社区', '书香社区'] },
    ],
  },
  {
    code: 'D03',
    name: '南湖区',
    hotline: '0571-83000001',
    streets: [{ code: 'S0301', name: '湖滨街道', communities: ['湖滨社区', '柳岸社区'] }],
  },
];

/** The sections (科室/中队) inside each bureau: the units its orders go to one level down (二级派单). */
export const BUREAU_SECTIONS: Record<string, string[]> = {
  F01: ['物业监管科', '建筑市场监管科', '房屋安全科'],
  F02: ['市容环境科', '执法一中队', '执法二中队'],
  F03: ['食品安全监管科', '消费者权益保护科'],
  F04: ['大气环境科', '噪声与辐射管理科'],
  F05: ['公交管理科', '公路养护中心'],
  F06: ['劳动保障监察支队', '社会保险科'],
  F07: ['校外教育培训监管科', '基础教育科'],
  F08: ['治安管理支队', '交通警察支队'],
  F09: ['医政医管科', '疾病预防控制科'],
  F10: ['供水调度中心', '管网抢修队'],
  F11: ['配电运维中心', '客户服务中心'],
  F12: ['抢修中心', '安全检查科'],
  F13: ['供热调度中心', '维修服务队'],
};
/** A section's code: its bureau's and its place in the list (F02S2 is 执法一中队). */
export const sectionCode = (bureau: string, index: number) => `${bureau}S${index + 1}`;

export const BUREAUS = [
  { code: 'F01', name: '市住房和城乡建设局', hotline: '0571-87000101' },
  { code: 'F02', name: '市城市管理局', hotline: '0571-87000102' },
  { code: 'F03', name: '市市场监督管理局', hotline: '0571-87000103' },
  { code: 'F04', name: '市生态环境局', hotline: '0571-87000104' },
  { code: 'F05', name: '市交通运输局', hotline: '0571-87000105' },
  { code: 'F06', name: '市人力资源和社会保障局', hotline: '0571-87000106' },
  { code: 'F07', name: '市教育局', hotline: '0571-87000107' },
  { code: 'F08', name: '市公安局', hotline: '110' },
  { code: 'F09', name: '市卫生健康委员会', hotline: '0571-87000109' },
  { code: 'F10', name: '市水务集团', hotline: '0571-87000110' },
  { code: 'F11', name: '市供电公司', hotline: '95598' },
  { code: 'F12', name: '市燃气集团', hotline: '0571-87000112' },
  { code: 'F13', name: '市热力公司', hotline: '0571-87000113' },
];

/** The services the appeal centre refers disputes to, one per kind of referral. */
export const REFERRAL_AGENCIES = [
  { code: 'R01', name: '市人民调解委员会', hotline: '0571-87000201', kind: 'mediation' },
  { code: 'R02', name: '市法律援助中心', hotline: '12348', kind: 'legalAid' },
  { code: 'R03', name: '市劳动人事争议仲裁院', hotline: '0571-87000203', kind: 'arbitration' },
  { code: 'R04', name: '市心理援助中心', hotline: '0571-87000204', kind: 'counselling' },
] as const;

type LimitsKey = keyof typeof DEFAULT_LIMITS;
export const CATEGORIES: {
  code: string;
  name: string;
  limits: LimitsKey;
  children: { code: string; name: string; dept: string | null; limits?: LimitsKey }[];
}[] = [
  {
    code: '01',
    name: '城乡建设',
    limits: 'general',
    children: [
      { code: '0101', name: '物业管理', dept: 'F01' },
      { code: '0102', name: '房屋质量', dept: 'F01', limits: 'complex' },
      { code: '0103', name: '违章建筑', dept: 'F02', limits: 'complex' },
    ],
  },
  {
    code: '02',
    name: '市容环境',
    limits: 'general',
    children: [
      { code: '0201', name: '环境卫生', dept: 'F02' },
      { code: '0202', name: '噪声扰民', dept: 'F04' },
      { code: '0203', name: '占道经营', dept: 'F02' },
    ],
  },
  {
    code: '03',
    name: '公用事业',
    limits: 'utilities',
    children: [
      { code: '0301', name: '停水', dept: 'F10' },
      { code: '0302', name: '停电', dept: 'F11' },
      { code: '0303', name: '燃气故障', dept: 'F12' },
      { code: '0304', name: '供暖不热', dept: 'F13' },
    ],
  },
  {
    code: '04',
    name: '交通运输',
    limits: 'general',
    children: [
      { code: '0401', name: '公交服务', dept: 'F05' },
      { code: '0402', name: '道路破损', dept: 'F05' },
    ],
  },
  {
    code: '05',
    name: '市场监管',
    limits: 'general',
    children: [
      { code: '0501', name: '食品安全', dept: 'F03' },
      { code: '0502', name: '消费维权', dept: 'F03' },
    ],
  },
  {
    code: '06',
    name: '劳动保障',
    limits: 'complex',
    children: [
      { code: '0601', name: '拖欠工资', dept: 'F06' },
      { code: '0602', name: '社保缴纳', dept: 'F06' },
    ],
  },
  { code: '07', name: '教育', limits: 'general', children: [{ code: '0701', name: '校外培训', dept: 'F07' }] },
  {
    code: '08',
    name: '公共安全',
    limits: 'emergency',
    children: [
      { code: '0801', name: '安全隐患', dept: 'F08' },
      { code: '0802', name: '危及生命财产', dept: 'F08' },
    ],
  },
  { code: '09', name: '医疗卫生', limits: 'general', children: [{ code: '0901', name: '医疗服务', dept: 'F09' }] },
  {
    code: '10',
    name: '政策咨询',
    limits: 'general',
    children: [
      { code: '1001', name: '户籍办理', dept: null },
      { code: '1002', name: '社保政策', dept: 'F06' },
    ],
  }, // Disputes between people: the dispatcher refers them to mediation, legal aid, arbitration or counselling.
  {
    code: '11',
    name: '矛盾纠纷',
    limits: 'complex',
    children: [
      { code: '1101', name: '邻里纠纷', dept: null },
      { code: '1102', name: '租赁纠纷', dept: null },
    ],
  },
];

/** The last step the demo city takes on a referred dispute. */
export type DemoDisputeStage = 'ACCEPT' | 'SCHEDULE_SESSION' | 'REACH_AGREEMENT' | 'GRANT' | 'AWARD';

/** Disputes the demo city has referred, each taken to a different point of its service's process. */
export const DEMO_DISPUTES: {
  category: string;
  agency: string;
  stage: DemoDisputeStage;
  title: string;
  content: string;
}[] = [
  {
    category: '1101',
    agency: 'R01',
    stage: 'SCHEDULE_SESSION',
    title: '楼上卫生间漏水殃及楼下，协商不成',
    content: '楼上住户卫生间长期漏水，我家天花板发霉脱落，多次上门协商对方拒绝维修和赔偿，希望调解。',
  },
  {
    category: '1102',
    agency: 'R01',
    stage: 'REACH_AGREEMENT',
    title: '退租后房东拒不退还押金',
    content: '租期届满按时退租，房屋无损坏，房东以各种理由拒绝退还 3000 元押金，希望帮助调解。',
  },
  {
    category: '0601',
    agency: 'R03',
    stage: 'ACCEPT',
    title: '公司拖欠工资并拒签劳动合同',
    content: '在某物流公司工作八个月未签劳动合同，近两个月工资未发，公司拒绝支付，申请劳动仲裁。',
  },
  {
    category: '0601',
    agency: 'R03',
    stage: 'AWARD',
    title: '离职后公司拒发最后一个月工资',
    content: '在某餐饮公司做厨师两年，上月离职，公司以未交接为由拒发最后一个月工资 6800 元，申请劳动仲裁。',
  },
  {
    category: '0601',
    agency: 'R02',
    stage: 'GRANT',
    title: '工地受伤后无力聘请律师',
    content: '在工地干活摔伤住院，包工头不认劳动关系，家庭困难请不起律师，申请法律援助。',
  },
  {
    category: '1101',
    agency: 'R04',
    stage: 'ACCEPT',
    title: '长期邻里矛盾导致失眠焦虑',
    content: '与邻居因噪声矛盾多年，近来失眠焦虑、情绪低落，希望得到心理疏导。',
  },
];

/** The parties of the demo's labour arbitrations: a worker identified by a valid ID number, an employer by a valid credit code. */
export const DEMO_ARBITRATION_PARTIES: Record<string, Record<string, string>> = {
  公司拖欠工资并拒签劳动合同: {
    applicantName: '马文涛',
    applicantIdNumber: '11010519491231002X',
    applicantPhone: '13900005555',
    applicantAddress: '示范市东城区和平里5号',
    respondentName: '示范市顺达物流有限公司',
    respondentCreditCode: '91350100M000100Y43',
    respondentAddress: '示范市经开区物流园8号',
    respondentRepresentative: '钱有福',
    claims: '一、支付拖欠的两个月工资人民币壹万贰仟元；\n二、支付未签订书面劳动合同的二倍工资差额。',
  },
  离职后公司拒发最后一个月工资: {
    applicantName: '周国栋',
    applicantIdNumber: '110101199003071233',
    applicantPhone: '13900006666',
    applicantAddress: '示范市西城区光明巷18号',
    respondentName: '示范市味道餐饮管理有限公司',
    respondentCreditCode: '91110000600037341L',
    respondentAddress: '示范市中心区美食街1号',
    respondentRepresentative: '孙大厨',
    claims: '支付 2026 年 10 月工资人民币陆仟捌佰元。',
  },
};

export function limitsOf(key: LimitsKey): CategoryLimits {
  return DEFAULT_LIMITS[key];
}

export const DEMO_PASSWORD = 'demo12345';
/** The demo accounts enrolled with the published demo TOTP secret (DEMO_TOTP_SECRET in app/auth/totp.server.ts). */
export const DEMO_TOTP_USERS = ['admin', 'supervisor'];

/** The grid workers beside `gridworker`: community code, name, the street they belong to, its two grids. */
const GRID_WORKERS: [community: string, name: string, street: string, grids: string[]][] = [
  ['M02', '马丽', 'S0101', ['G03', 'G04']],
  ['M03', '黄磊', 'S0102', ['G05', 'G06']],
  ['M04', '郑芳', 'S0102', ['G07', 'G08']],
  ['M05', '何军', 'S0201', ['G09', 'G10']],
  ['M06', '罗梅', 'S0201', ['G11', 'G12']],
  ['M07', '高峰', 'S0202', ['G13', 'G14']],
  ['M08', '梁燕', 'S0202', ['G15', 'G16']],
  ['M09', '宋涛', 'S0301', ['G17', 'G18']],
  ['M10', '唐琳', 'S0301', ['G19', 'G20']],
];

export const DEMO_USERS: { username: string; displayName: string; role: UserRole; dept?: string; grids?: string[] }[] =
  [
    { username: 'operator', displayName: '话务员 王丽', role: 'operator' },
    { username: 'dispatcher', displayName: '派单员 李强', role: 'dispatcher' },
    { username: 'handler', displayName: '城管局承办人 张伟', role: 'handler', dept: 'F02' },
    { username: 'handler2', displayName: '住建局承办人 刘洋', role: 'handler', dept: 'F01' },
    // Sections of 城管局 that its orders are passed down to (二级派单).
    { username: 'handler3', displayName: '执法一中队承办人 赵磊', role: 'handler', dept: 'F02S2' },
    { username: 'handler4', displayName: '市容环境科承办人 钱芳', role: 'handler', dept: 'F02S1' },
    { username: 'gridworker', displayName: '网格员 陈刚', role: 'gridWorker', dept: 'S0101', grids: ['G01', 'G02'] },
    // One grid worker for each other community, on both of its grids: every grid has someone on the ground.
    ...GRID_WORKERS.map(([community, name, street, grids]) => ({
      username: `gridworker-${community.toLowerCase()}`,
      displayName: `网格员 ${name}`,
      role: 'gridWorker' as const,
      dept: street,
      grids,
    })),
    { username: 'mediator', displayName: '调解员 赵敏', role: 'mediator', dept: 'R01' },
    // A second mediator, so that an arbitration extension has someone to approve it and a case a colleague to cover it.
    { username: 'mediator2', displayName: '调解员 钱进', role: 'mediator', dept: 'R01' },
    { username: 'legalaid', displayName: '法律援助中心 孔律', role: 'mediator', dept: 'R02' },
    { username: 'arbitrator', displayName: '仲裁员 韩立', role: 'mediator', dept: 'R03' },
    { username: 'arbitrator2', displayName: '仲裁院院长 冯远', role: 'mediator', dept: 'R03' },
    { username: 'counsellor', displayName: '心理咨询师 林静', role: 'mediator', dept: 'R04' },
    { username: 'reviewer', displayName: '回访员 孙静', role: 'reviewer' },
    { username: 'supervisor', displayName: '值班长 周涛', role: 'supervisor' },
    { username: 'admin', displayName: '管理员 吴军', role: 'admin' },
  ];

export const DEMO_COMPLAINTS: {
  category: string;
  title: string;
  content: string;
  type: 'complaint' | 'help' | 'report' | 'consultation' | 'suggestion' | 'praise';
}[] = [
  {
    category: '0202',
    type: 'complaint',
    title: '夜间施工噪音扰民',
    content: '小区旁工地每天晚上十一点后仍在施工，噪音很大，老人孩子无法休息，希望尽快处理。',
  },
  {
    category: '0101',
    type: 'complaint',
    title: '物业不作为电梯长期故障',
    content: '3号楼电梯故障已经两周，物业一直说在等配件，老人上下楼非常困难。',
  },
  {
    category: '0301',
    type: 'help',
    title: '小区突然停水',
    content: '今天上午开始整个小区停水，没有任何通知，请尽快查明原因恢复供水。',
  },
  {
    category: '0304',
    type: 'complaint',
    title: '暖气不热室温只有十四度',
    content: '家中暖气片温度很低，室温只有十四度左右，已多次联系热力公司未果。',
  },
  {
    category: '0402',
    type: 'report',
    title: '路面塌陷存在安全隐患',
    content: '路口东侧人行道出现约一米见方的塌陷，晚上看不清楚，容易有人掉下去。',
  },
  {
    category: '0601',
    type: 'help',
    title: '公司拖欠三个月工资',
    content: '我在某装修公司工作，老板已经拖欠我们十几个人三个月工资，希望有关部门帮助讨薪。',
  },
  {
    category: '0203',
    type: 'report',
    title: '商户占道经营影响通行',
    content: '菜市场门口多家商户把摊位摆到人行道和非机动车道上，早晚高峰通行困难。',
  },
  {
    category: '0501',
    type: 'report',
    title: '餐馆后厨卫生差',
    content: '在某饭店就餐后发现后厨卫生条件很差，有老鼠出没，怀疑食品安全有问题。',
  },
  {
    category: '0201',
    type: 'complaint',
    title: '垃圾清运不及时',
    content: '小区垃圾桶已经三天没有清运，气味很大，夏天蚊虫多，请环卫部门及时处理。',
  },
  {
    category: '0103',
    type: 'report',
    title: '楼顶违章搭建',
    content: '顶楼住户在楼顶私自搭建彩钢房，影响楼体安全，存在漏水隐患。',
  },
  {
    category: '0502',
    type: 'complaint',
    title: '预付卡商家跑路',
    content: '办理的健身房预付卡还有五千元余额，健身房突然关门，老板联系不上。',
  },
  {
    category: '0401',
    type: 'suggestion',
    title: '建议增加公交班次',
    content: '早高峰12路公交车间隔太长，车上非常拥挤，建议增加班次或开通区间车。',
  },
  {
    category: '1001',
    type: 'consultation',
    title: '新生儿落户需要哪些材料',
    content: '孩子刚出生，想咨询办理落户需要准备哪些材料，可以在哪里办理。',
  },
  {
    category: '1002',
    type: 'consultation',
    title: '灵活就业社保怎么缴纳',
    content: '本人是灵活就业人员，想咨询如何缴纳养老保险和医疗保险。',
  },
  {
    category: '0801',
    type: 'report',
    title: '小区消防通道被堵',
    content: '小区消防通道长期被私家车占用，一旦发生火灾消防车无法进入。',
  },
  {
    category: '0901',
    type: 'praise',
    title: '表扬社区医院医生',
    content: '社区卫生服务中心的医生态度很好，耐心解答问题，特此表扬。',
  },
  {
    category: '0701',
    type: 'complaint',
    title: '校外培训机构退费难',
    content: '给孩子报的培训班上了两节课就不想上了，机构拒绝退还剩余费用。',
  },
  {
    category: '0303',
    type: 'help',
    title: '闻到燃气味',
    content: '楼道里有明显的燃气味，担心泄漏，请燃气公司尽快派人来检查。',
  },
];

export const SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '赵', '黄', '周', '吴', '徐', '孙', '马', '朱', '胡'];
export const GIVEN = ['伟', '芳', '娜', '敏', '静', '磊', '洋', '勇', '艳', '杰', '军', '霞', '平', '刚', '桂英'];
export const ROADS = ['人民路', '解放路', '中山路', '建设路', '和平路', '新华路', '文化路', '湖滨路'];

/** One row of the demo 派单目录: a category (or a parent category) in an area (district, street or grid code). */
export interface DemoCatalogueEntry {
  category: string;
  area: string;
  lead: string;
  assisting: string[];
  validFrom: string;
  validTo?: string;
}

/**
 * The demo 派单目录: every category with a usual bureau, in every district (the district government assists
 * with housing and street matters); street matters of the two central streets led by the street office;
 * one grid where road damage also goes to the community; 户籍 questions by the parent category 政策咨询;
 * and one entry that has ended, so the admin page shows all three states.
 */
export const DEMO_CATALOGUE: DemoCatalogueEntry[] = [
  ...CATEGORIES.flatMap((top) =>
    top.children
      .filter((c) => c.dept)
      .flatMap((c) =>
        DISTRICTS.map((d) => ({
          category: c.code,
          area: d.code,
          lead: c.dept!,
          assisting: ['01', '02'].includes(top.code) ? [d.code] : [],
          validFrom: '2026-01-01',
        })),
      ),
  ),
  ...['S0101', 'S0201'].flatMap((street) => [
    { category: '0201', area: street, lead: street, assisting: ['F02'], validFrom: '2026-01-01' },
    { category: '0203', area: street, lead: 'F02', assisting: [street], validFrom: '2026-01-01' },
  ]),
  { category: '0402', area: 'G03', lead: 'F05', assisting: ['S0101', 'M02'], validFrom: '2026-01-01' },
  ...DISTRICTS.map((d) => ({ category: '10', area: d.code, lead: 'F08', assisting: [], validFrom: '2026-01-01' })),
  {
    category: '0301',
    area: 'S0301',
    lead: 'F10',
    assisting: ['S0301'],
    validFrom: '2025-01-01',
    validTo: '2025-12-31',
  },
];
