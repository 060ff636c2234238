import type { EntityManager } from '@mikro-orm/sql';
import { all, inTransaction, run } from '../db/sql.server';

// The demo city's knowledge base: a handful of articles an operator can read out, by category and department code.

const ARTICLES: { title: string; body: string; category: string | null; dept: string | null }[] = [
  {
    title: '新生儿户口登记办理材料',
    body: '新生儿出生后一个月内，由父母一方持以下材料到户籍所在地派出所户籍窗口申报出生登记：1.《出生医学证明》原件；2. 父母双方居民户口簿、居民身份证；3. 父母结婚证（非婚生育的提供相关说明）。随父或随母落户均可。已开通“出生一件事”的医院可在线提交，办结后邮寄户口簿。',
    category: '1001',
    dept: 'F08',
  },
  {
    title: '灵活就业人员社保缴纳',
    body: '无雇工的个体工商户、未在用人单位参保的非全日制从业人员及其他灵活就业人员，可持身份证到户籍地或居住地社保经办窗口办理参保登记，也可通过“浙里办”等政务服务平台线上办理。养老保险缴费基数可在当地上年度全口径城镇单位就业人员平均工资的 60%–300% 之间自选，按月或按年缴纳，可委托银行代扣。',
    category: '1002',
    dept: 'F06',
  },
  {
    title: '住房公积金提取条件及办理方式',
    body: '职工购买、建造、翻建、大修自住住房，偿还购房贷款本息，租房自住，离休退休，完全丧失劳动能力并与单位终止劳动关系等情形，可申请提取住房公积金。租房提取可通过公积金中心网站或手机 App 在线办理，每年可提取一次；购房提取需提供购房合同、发票或不动产权证书。具体额度请咨询市住房公积金管理中心。',
    category: '10',
    dept: 'F01',
  },
  {
    title: '居住证办理条件和材料',
    body: '在本市居住半年以上，符合有合法稳定就业、合法稳定住所、连续就读条件之一的，可申领居住证。材料：居民身份证、近期一寸白底照片、居住登记凭证，以及劳动合同或营业执照、房屋租赁合同或不动产权证书、学籍证明之一。到居住地派出所或社区警务室办理，自受理之日起 15 日内制发。',
    category: '1001',
    dept: 'F08',
  },
  {
    title: '计划停水停电信息查询',
    body: '计划停水信息可在市水务集团网站、微信公众号“停水公告”栏目查询，或拨打供水服务热线；计划停电信息可在“网上国网”App 或供电公司公众号查询，也可拨打 95598。来电人反映突发停水停电的，先核实是否在公告范围内；不在公告范围内的按故障诉求登记派单。',
    category: '03',
    dept: null,
  },
  {
    title: '12345 热线受理范围',
    body: '12345 热线受理企业和群众对经济调节、市场监管、社会管理、公共服务、生态环境保护等方面的咨询、求助、投诉、举报和意见建议。不受理：应当通过诉讼、仲裁、纪检监察、行政复议、政府信息公开等程序解决的事项；已进入或已完成上述程序的事项；涉及国家秘密、商业秘密、个人隐私的事项；紧急警情请拨打 110、119、120、122。',
    category: null,
    dept: null,
  },
  {
    title: '劳动仲裁申请流程',
    body: '劳动者与用人单位发生劳动争议，可自知道或应当知道权利被侵害之日起一年内，向劳动合同履行地或用人单位所在地的劳动人事争议仲裁委员会申请仲裁。材料：仲裁申请书（写明请求事项和事实理由）、申请人身份证复印件、用人单位营业执照信息、劳动关系证明及相关证据。仲裁不收费，受理后一般 45 日内结案。',
    category: '06',
    dept: 'F06',
  },
  {
    title: '不动产登记办理指引',
    body: '二手房转移登记由买卖双方持身份证、不动产权证书、网签买卖合同、完税凭证到不动产登记中心“一窗受理”，也可在线预约。首次登记、抵押登记、更正登记等按事项准备材料。一般转移登记 5 个工作日内办结，抵押登记 3 个工作日内办结。查询本人名下不动产可通过政务服务网在线办理。',
    category: '01',
    dept: 'F01',
  },
];

/** A handful of realistic articles for the demo city (skipped when articles already exist). */
/** Ids by code of the categories and departments the articles name. */
type CodeIds = { categories: Map<string, number>; departments: Map<string, number> };

export async function seedKnowledgeArticles(em: EntityManager, ids: CodeIds): Promise<number> {
  const [{ n }] = await all<{ n: number }>(em, 'select count(*)::int as n from knowledge_article');
  if (n > 0) return 0;
  const now = new Date();
  await inTransaction(em, async (tx) => {
    for (const a of ARTICLES) {
      await run(
        tx,
        `insert into knowledge_article (title, body, category_id, department_id, valid_from, valid_to, active, created_at, updated_at)
         values (?, ?, ?, ?, null, null, true, ?, ?)`,
        [
          a.title,
          a.body,
          a.category ? (ids.categories.get(a.category) ?? null) : null,
          a.dept ? (ids.departments.get(a.dept) ?? null) : null,
          now,
          now,
        ],
      );
    }
  });
  return ARTICLES.length;
}
