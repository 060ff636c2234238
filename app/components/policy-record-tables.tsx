import type { RecordRow, UploadRow } from '../policy-records/records.server';
import { useT } from '../i18n/use-t';
import { BENEFICIARY_KIND_LABELS, PAYMENT_WAY_LABELS } from '../ui/policy-record-labels';

// Implementation records and the files that reported them, as the records page and the evaluation's drill-down
// list them: the head and the rows of a table whose frame the page draws.

export function RecordColumns({ records, rowTestId }: { records: RecordRow[]; rowTestId: string }) {
  const { t } = useT();
  return (
    <>
      <thead>
        <tr className="border-b text-slate-500">
          <th className="px-4 py-1">{t('政策')}</th>
          <th>{t('对象')}</th>
          <th>{t('姓名或单位名称')}</th>
          <th>{t('身份证号或统一社会信用代码')}</th>
          <th>{t('联系电话')}</th>
          <th className="pr-3 text-right">{t('金额（元）')}</th>
          <th>{t('发放日期')}</th>
          <th>{t('发放方式')}</th>
          <th className="pr-4">{t('来源')}</th>
        </tr>
      </thead>
      <tbody>
        {records.map((r) => (
          <tr key={r.id} className="border-b last:border-0" data-testid={rowTestId}>
            <td className="px-4 py-1">{r.policy}</td>
            <td>{t(BENEFICIARY_KIND_LABELS[r.kind])}</td>
            <td>{r.name}</td>
            <td className="font-mono">{r.identifier}</td>
            <td>{r.phone}</td>
            <td className="pr-3 text-right tabular-nums">{r.amount}</td>
            <td>{r.paidOn}</td>
            <td>{t(PAYMENT_WAY_LABELS[r.way])}</td>
            <td className="pr-4 text-slate-500">
              {t('{{file}} 第 {{row}} 行', { file: r.fileName, row: r.sourceRow })}
            </td>
          </tr>
        ))}
      </tbody>
    </>
  );
}

export function UploadColumns({ uploads, rowTestId }: { uploads: UploadRow[]; rowTestId: string }) {
  const { t } = useT();
  return (
    <>
      <thead>
        <tr className="border-b text-slate-500">
          <th className="px-4 py-1">{t('文件')}</th>
          <th>{t('单位')}</th>
          <th>{t('上报人')}</th>
          <th>{t('上报时间')}</th>
          <th className="text-right">{t('记录数')}</th>
          <th className="pr-4 text-right">{t('金额（元）')}</th>
        </tr>
      </thead>
      <tbody>
        {uploads.map((u) => (
          <tr key={u.id} className="border-b last:border-0" data-testid={rowTestId}>
            <td className="px-4 py-1">{u.fileName}</td>
            <td>{u.department}</td>
            <td>{u.uploadedBy}</td>
            <td className="whitespace-nowrap">
              {u.uploadedAt}
              {u.late ? (
                <span className="ml-1 rounded bg-amber-100 px-1 text-xs text-amber-800">{t('逾期')}</span>
              ) : null}
            </td>
            <td className="text-right tabular-nums">{u.rows}</td>
            <td className="pr-4 text-right tabular-nums">{u.totalAmount}</td>
          </tr>
        ))}
      </tbody>
    </>
  );
}
