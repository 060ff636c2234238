import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { registerClient } from '../api-clients/clients.server';
import type { AppealServices } from '../appeals/service.server';
import { answerEventCall } from '../city-events/receive.server';
import { signEvent } from '../city-events/signature';
import { createEventType } from '../city-events/event-types.server';
import { actorFor, type ReferenceIds } from './demo-city.server';

// The demo's city brain (城市大脑): a registered client with a few scenes' event types mapped, and events of the
// last weeks sent through the same signed path as a real client's, so the city-events page is not empty. Its key
// and secret are written beside the demo database (demo only), so one can post more events to the running demo.

export const DEMO_CITY_BRAIN_FILE = 'demo-city-brain.json';

const TYPES = [
  { scene: 'road-order', code: 'pothole', name: '路面坑洼', category: '0402' },
  { scene: 'road-order', code: 'street-vending', name: '占道经营', category: '0203' },
  { scene: 'river-patrol', code: 'floating-waste', name: '河面漂浮垃圾', category: '0201' },
  { scene: 'vehicle-supervision', code: 'muck-truck', name: '渣土车违规', category: '0801' },
  // Mapped to a top category the 派单目录 has no entry for: these wait for the dispatcher.
  { scene: 'major-project', code: 'site-dust', name: '工地扬尘', category: '01' },
];

const TEXTS: Record<string, string> = {
  pothole: '视频巡查发现路面出现坑洼，面积约一平方米，影响车辆通行',
  'street-vending': '摄像头识别到占道经营摊点，占用人行道',
  'floating-waste': '河道巡查发现水面漂浮垃圾较多，需要清理',
  'muck-truck': '卡口识别渣土车未密闭运输，沿途撒漏',
  'site-dust': '重点工地扬尘监测数值超标，现场未见喷淋',
};

export async function seedDemoCityEvents(services: AppealServices, ids: ReferenceIds, now = new Date()) {
  const em = services.db.em();
  const admin = actorFor(ids, 'admin');
  const issued = await registerClient(
    em,
    { userId: admin.userId },
    { name: '城市大脑', contact: '市数据资源局 0558-5550000', operations: ['events:write'], rateLimitPerMinute: 6000 },
    now,
  );
  writeFileSync(
    path.join(path.resolve(process.env.DATA_DIR ?? '.data'), DEMO_CITY_BRAIN_FILE),
    JSON.stringify({ apiKey: issued.apiKey, signingSecret: issued.signingSecret }),
    { mode: 0o600 },
  );
  for (const ty of TYPES)
    await createEventType(em, admin, {
      clientId: issued.id,
      scene: ty.scene,
      code: ty.code,
      name: ty.name,
      categoryId: ids.categories.get(ty.category),
    });
  // About two events a day over three weeks, spread over the scenes and the first grids of the city.
  for (let i = 0; i < 42; i++) {
    const ty = TYPES[(i * 7) % TYPES.length];
    const at = new Date(now.getTime() - (21 - i / 2) * 86_400_000 - (i % 5) * 3_600_000);
    const cell = i % 10;
    const body = JSON.stringify({
      eventId: `demo-${ty.scene}-${String(i + 1).padStart(4, '0')}`,
      scene: ty.scene,
      type: ty.code,
      description: TEXTS[ty.code],
      occurredAt: new Date(at.getTime() - 600_000).toISOString(),
      lat: 30.2 + Math.floor(cell / 5) * 0.008 + 0.004,
      lng: 120.1 + (cell % 5) * 0.01 + 0.005,
      media: [{ url: `https://city-brain.example.cn/snapshots/${ty.scene}/${i + 1}.jpg`, kind: 'photo' }],
      reporter: `cam-${String(100 + cell)}`,
    });
    const timestamp = String(Math.floor(at.getTime() / 1000));
    await answerEventCall(
      services,
      {
        apiKey: issued.apiKey,
        timestamp,
        signature: `sha256=${signEvent(issued.signingSecret, timestamp, body)}`,
        ip: null,
        read: async () => ({ raw: new TextEncoder().encode(body), body: JSON.parse(body) as unknown }),
      },
      at,
    );
  }
}
