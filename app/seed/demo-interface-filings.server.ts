import { registerClient } from '../api-clients/clients.server';
import type { AppealServices } from '../appeals/service.server';
import { submitRequest } from '../open311/georeport.server';

// The demo city's one other system, the city operations platform (城市运行管理平台), and two requests it filed by
// Open311 with its answers to the category's questions, so the appeal page shows what an interface brings.

export const DEMO_INTERFACE_CLIENT = '城市运行管理平台';
export const DEMO_INTERFACE_TITLE = '噪声扰民：滨江路工地每晚 23 点后仍在打桩，附近居民无法入睡';

const FILINGS: [string, string][][] = [
  [
    ['service_code', '0202'],
    ['address_string', '滨江路 188 号在建工地'],
    ['description', '滨江路工地每晚 23 点后仍在打桩，附近居民无法入睡'],
    ['media_url', 'https://cityops.example.gov.cn/media/2026/12/noise-188.jpg'],
    ['address_id', 'BJ-188'],
    ['account_id', 'cityops-3321'],
    ['attribute[noise_source]', 'construction'],
    ['attribute[noise_started]', '2026-12-01T23:00:00+08:00'],
    ['attribute[nights]', '4'],
  ],
  [
    ['service_code', '0402'],
    ['address_string', '文一路与古墩路交叉口东北角'],
    ['description', '路口东北角井盖松动，车辆经过时响声很大，已有电动车绕行'],
    ['attribute[damage_kind]', 'manhole'],
    ['attribute[damage_kind]', 'pothole'],
    ['attribute[lane]', '由西向东右转车道'],
  ],
];

/** `adminId`: the administrator who registers the platform, as an administrator would. */
export async function seedDemoInterfaceFilings(services: AppealServices, adminId: number): Promise<number> {
  const client = await registerClient(
    services.db.em(),
    { userId: adminId },
    {
      name: DEMO_INTERFACE_CLIENT,
      contact: '市城运中心 0571-12345678',
      operations: ['open311:read', 'open311:write'],
    },
  );
  for (const fields of FILINGS) {
    const form = new FormData();
    for (const [k, v] of fields) form.append(k, v);
    await submitRequest(services, client, form, new Date());
  }
  return FILINGS.length;
}
