import type { LoaderFunctionArgs, MetaFunction } from '@remix-run/node';
import { useLoaderData } from '@remix-run/react';
import { API_DESCRIPTIONS } from '../api-clients/api-catalogue.server';
import { documentedOperations, openApiDocument, SIGNING } from '../api-clients/openapi.server';
import { useT } from '../i18n/use-t';
import { API_OPERATION_LABELS } from '../ui/labels';

// The interfaces' documentation for the people who build the other systems: drawn on the server from the same
// OpenAPI document as /api/openapi.json, open without signing in, no script or stylesheet from elsewhere.

export const handle = { ownFrame: true };

export const meta: MetaFunction = () => [{ title: '开放接口文档 · 12345 热线' }];

export function loader({ request }: LoaderFunctionArgs) {
  const origin = new URL(request.url).origin;
  const doc = openApiDocument(API_DESCRIPTIONS, origin);
  return {
    origin,
    title: doc.info.title,
    version: doc.info.version,
    operations: documentedOperations(doc),
    signing: SIGNING,
  };
}

const METHOD_COLORS: Record<string, string> = {
  GET: 'bg-sky-700',
  POST: 'bg-emerald-700',
  PUT: 'bg-amber-700',
  DELETE: 'bg-red-700',
};

function Fields({
  fields,
  withIn,
}: {
  fields: { name: string; type: string; required: boolean; description: string; in?: string }[];
  withIn?: boolean;
}) {
  const { t } = useT();
  return (
    <table className="w-full text-left text-sm">
      <thead>
        <tr className="border-b text-slate-500">
          <th className="py-1 pr-2">{t('字段')}</th>
          {withIn ? <th className="pr-2">{t('位置')}</th> : null}
          <th className="pr-2">{t('类型')}</th>
          <th className="pr-2">{t('必填')}</th>
          <th>{t('说明')}</th>
        </tr>
      </thead>
      <tbody>
        {fields.map((f) => (
          <tr key={`${f.in ?? ''}${f.name}`} className="border-b align-top last:border-0">
            <td className="py-1 pr-2 font-mono">{f.name}</td>
            {withIn ? <td className="pr-2">{f.in}</td> : null}
            <td className="pr-2 font-mono text-xs">{f.type}</td>
            <td className="pr-2">{f.required ? t('是') : t('否')}</td>
            <td>{f.description}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export default function ApiDocs() {
  const { origin, title, version, operations, signing } = useLoaderData<typeof loader>();
  const { t } = useT();
  const shell = `body='{"eventId":"evt-0001"}'
ts=$(date +%s)
sig=$(printf '%s.%s' "$ts" "$body" | openssl dgst -sha256 -hmac "$SIGNING_SECRET" -hex | sed 's/^.* //')
curl -sS -X POST ${origin}/api/v1/events \\
  -H "Content-Type: application/json" \\
  -H "${signing.keyHeader}: $API_KEY" \\
  -H "${signing.timestampHeader}: $ts" \\
  -H "${signing.signatureHeader}: sha256=$sig" \\
  --data "$body"`;
  const node = `import { createHmac } from 'node:crypto';

const body = JSON.stringify({ eventId: 'evt-0001' });
const ts = String(Math.floor(Date.now() / 1000));
const sig = createHmac('sha256', process.env.SIGNING_SECRET).update(\`\${ts}.\${body}\`).digest('hex');
const res = await fetch('${origin}/api/v1/events', {
  method: 'POST',
  headers: {
    'Content-Type': 'application/json',
    '${signing.keyHeader}': process.env.API_KEY,
    '${signing.timestampHeader}': ts,
    '${signing.signatureHeader}': \`sha256=\${sig}\`,
  },
  body, // exactly the bytes that were signed
});`;
  return (
    <main className="mx-auto max-w-5xl space-y-6 px-4 py-6">
      <header className="space-y-1">
        <h1 className="text-2xl font-semibold">{t('开放接口文档')}</h1>
        <p className="text-slate-600">
          {title} · {t('版本 {{v}}', { v: version })} ·{' '}
          <a href="/api/openapi.json" className="text-red-700 hover:underline">
            OpenAPI 3.1 (JSON)
          </a>
        </p>
      </header>
      <section className="space-y-2 rounded-lg border bg-white p-4" aria-labelledby="auth-h">
        <h2 id="auth-h" className="text-lg font-semibold">
          {t('身份验证')}
        </h2>
        <p>
          {t(
            '每次调用都在请求头 {{h}} 中带上登记时发放的接口密钥。密钥无效或已停用答 401，来源地址不在允许列表或没有该项权限答 403，超过每分钟上限答 429 并带 Retry-After。',
            {
              h: signing.keyHeader,
            },
          )}
        </p>
        <p>{t('先用 {{path}} 试一试密钥：它答出客户端名称和已授予的权限。', { path: 'GET /api/v1/ping' })}</p>
        <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-sm text-slate-100">
          {`curl -sS ${origin}/api/v1/ping -H "${signing.keyHeader}: $API_KEY"`}
        </pre>
      </section>
      <section className="space-y-2 rounded-lg border bg-white p-4" aria-labelledby="sign-h">
        <h2 id="sign-h" className="text-lg font-semibold">
          {t('请求签名')}
        </h2>
        <p>
          {t(
            '推送事件的请求还须签名：{{ts}} 为当前 Unix 秒数，{{sig}} 为 sha256= 加上用签名密钥对“{{text}}”计算的 HMAC-SHA256（十六进制）。时间与服务器相差超过 5 分钟、签名不符或重复使用的签名均被拒绝。本系统发出的状态回调用同样的方法签名，接收方应同样验证。',
            {
              ts: signing.timestampHeader,
              sig: signing.signatureHeader,
              text: signing.signedText,
            },
          )}
        </p>
        <h3 className="font-semibold">Shell</h3>
        <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-sm text-slate-100" data-testid="sign-shell">
          {shell}
        </pre>
        <h3 className="font-semibold">Node.js</h3>
        <pre className="overflow-x-auto rounded bg-slate-900 p-3 text-sm text-slate-100" data-testid="sign-node">
          {node}
        </pre>
      </section>
      <section className="space-y-4" aria-labelledby="ops-h">
        <h2 id="ops-h" className="text-lg font-semibold">
          {t('接口列表')}
        </h2>
        {operations.map((op) => (
          <article
            key={op.operationId}
            id={op.operationId}
            className="space-y-3 rounded-lg border bg-white p-4"
            aria-label={`${op.method} ${op.path}`}
            data-testid="api-operation"
          >
            <h3 className="flex flex-wrap items-center gap-2 font-mono">
              <span className={`rounded px-2 py-0.5 text-sm text-white ${METHOD_COLORS[op.method] ?? 'bg-slate-700'}`}>
                {op.method}
              </span>
              {op.path}
              <span className="font-sans text-slate-700">{op.summary}</span>
            </h3>
            {op.description ? <p className="text-slate-700">{op.description}</p> : null}
            <p className="text-sm text-slate-600">
              {t('验证：{{auth}}；所需权限：{{op}}', {
                auth: op.auth.join(' + '),
                op:
                  op.clientOperation === 'any'
                    ? t('任一有效密钥')
                    : `${op.clientOperation}（${t(API_OPERATION_LABELS[op.clientOperation] ?? op.clientOperation)}）`,
              })}
            </p>
            {op.parameters.length ? (
              <div>
                <h4 className="font-semibold">{t('参数')}</h4>
                <Fields fields={op.parameters} withIn />
              </div>
            ) : null}
            {op.body.length ? (
              <div>
                <h4 className="font-semibold">{t('请求体（JSON）')}</h4>
                <Fields fields={op.body} />
              </div>
            ) : null}
            <div>
              <h4 className="font-semibold">{t('响应')}</h4>
              <ul className="space-y-2">
                {op.responses.map((r) => (
                  <li key={r.status}>
                    <span className="font-mono font-semibold">{r.status}</span> {r.description}
                    {r.fields.length ? (
                      <div className="ml-6">
                        <Fields fields={r.fields} />
                      </div>
                    ) : null}
                  </li>
                ))}
              </ul>
            </div>
          </article>
        ))}
      </section>
    </main>
  );
}
