import type { QuestionDatatype, QuestionValue } from '../../entities/open311';

// The extra questions a few demo categories ask a filing system (Open311's service definition): enough to show
// every kind of question, required and optional, on the interface and on the appeal page.

export interface DemoQuestion {
  category: string;
  code: string;
  datatype: QuestionDatatype;
  required: boolean;
  datatypeDescription?: string;
  description: string;
  values?: QuestionValue[];
}

export const DEMO_CATEGORY_QUESTIONS: DemoQuestion[] = [
  {
    category: '0202',
    code: 'noise_source',
    datatype: 'singlevaluelist',
    required: true,
    description: '噪声来源',
    values: [
      { key: 'construction', name: '建筑施工' },
      { key: 'business', name: '商业经营' },
      { key: 'traffic', name: '交通' },
      { key: 'neighbour', name: '邻里生活' },
    ],
  },
  {
    category: '0202',
    code: 'noise_started',
    datatype: 'datetime',
    required: false,
    datatypeDescription: 'ISO 8601，例如 2026-12-01T22:30:00+08:00',
    description: '噪声开始时间',
  },
  {
    category: '0202',
    code: 'nights',
    datatype: 'number',
    required: false,
    datatypeDescription: '整数，0～365',
    description: '已持续的夜晚数',
  },
  {
    category: '0402',
    code: 'damage_kind',
    datatype: 'multivaluelist',
    required: true,
    description: '破损类型（可多选）',
    values: [
      { key: 'pothole', name: '坑槽' },
      { key: 'crack', name: '裂缝' },
      { key: 'manhole', name: '井盖缺失或松动' },
      { key: 'kerb', name: '路缘石损坏' },
    ],
  },
  {
    category: '0402',
    code: 'lane',
    datatype: 'string',
    required: false,
    datatypeDescription: '最多 100 字',
    description: '所在车道或方向',
  },
  {
    category: '0301',
    code: 'scope',
    datatype: 'singlevaluelist',
    required: true,
    description: '停水范围',
    values: [
      { key: 'household', name: '本户' },
      { key: 'building', name: '本楼栋' },
      { key: 'community', name: '整个小区' },
    ],
  },
  {
    category: '0301',
    code: 'notice_seen',
    datatype: 'text',
    required: false,
    datatypeDescription: '最多 1000 字',
    description: '是否看到停水通知，通知内容',
  },
];
