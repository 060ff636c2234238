import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { APPEAL_PHASES } from '../../machines/appeal';
import { POLICY_PHASES } from '../../machines/policy';
import { REFERRAL_DEFINITIONS } from '../../machines/referrals';

// One state vocabulary: outside the machines (and migrations, and tests) nothing decides what
// is open, late or waiting by naming phases; it asks for the machines' tags. Labels, which
// name every phase to show it, are the one exception.

const ROOT = path.resolve(__dirname, '../..');
const SCANNED = ['app', 'bench', 'scripts', 'entities', 'telephony'];
const EXEMPT = [
  /^entities\/migrations\//,
  /\.test\.tsx?$/,
  /^app\/ui\/(labels|referral-labels|policy-labels)\.ts$/,
  /^app\/i18n\//,
];

const PHASES = new Set<string>([
  ...APPEAL_PHASES,
  ...APPEAL_PHASES.map((p) => p.split('.')[0]),
  ...Object.values(REFERRAL_DEFINITIONS).flatMap((d) => d.phases),
  ...POLICY_PHASES,
]);

// SQL that compares a phase column with a quoted name: `phase = 'triage'`, `to_phase in ('closed', …)`.
const SQL_PHASE = /\b(phase|from_phase|to_phase)\s*(=|<>|!=|not\s+in|in)\s*\(?\s*'/i;

export interface PhaseLiteral {
  line: number;
  text: string;
}

/** Places in one source file that decide something by naming a phase. */
export function phaseLiterals(fileName: string, source: string): PhaseLiteral[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: PhaseLiteral[] = [];
  const at = (node: ts.Node) =>
    found.push({
      line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1,
      text: node.getText(sf).slice(0, 100),
    });
  const isPhase = (n: ts.Node) => ts.isStringLiteralLike(n) && PHASES.has(n.text);
  const mentionsPhase = (n: ts.Node) => /phase/i.test(n.getText(sf));
  const visit = (node: ts.Node) => {
    if (ts.isStringLiteralLike(node) && SQL_PHASE.test(node.text)) at(node);
    else if (
      ts.isTemplateExpression(node) &&
      [node.head, ...node.templateSpans.map((s) => s.literal)].some((p) => SQL_PHASE.test(p.text))
    ) {
      at(node);
    } else if (
      ts.isBinaryExpression(node) &&
      [ts.SyntaxKind.EqualsEqualsEqualsToken, ts.SyntaxKind.ExclamationEqualsEqualsToken].includes(
        node.operatorToken.kind,
      ) &&
      ((isPhase(node.left) && mentionsPhase(node.right)) || (isPhase(node.right) && mentionsPhase(node.left)))
    ) {
      at(node);
    } else if (ts.isSwitchStatement(node) && mentionsPhase(node.expression)) {
      for (const clause of node.caseBlock.clauses)
        if (ts.isCaseClause(clause) && isPhase(clause.expression)) at(clause.expression);
    } else if (ts.isArrayLiteralExpression(node) && node.elements.length >= 2 && node.elements.every(isPhase)) {
      at(node);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return name === 'node_modules' || name === 'build' ? [] : sourceFiles(full);
    return /\.(ts|tsx|mjs)$/.test(name) ? [full] : [];
  });
}

describe('one state vocabulary', () => {
  it('finds a phase named to decide something', () => {
    const sample = [
      `const open = appeal.phase !== 'closed';`,
      `await all(em, "select id from appeal where phase in ('triage', 'returnRequested')");`,
      `switch (row.phase) { case 'draft': break; }`,
      `const waiting = ['review', 'replied'];`,
      `const label = t('closed'); const tab = 'closed';`,
    ].join('\n');
    expect(phaseLiterals('sample.ts', sample).map((f) => f.line)).toEqual([1, 2, 3, 4]);
  });

  it('no file outside the machines, migrations, tests and labels names phases to decide anything', () => {
    const offenders = SCANNED.flatMap((top) => sourceFiles(path.join(ROOT, top)))
      .map((file) => path.relative(ROOT, file).split(path.sep).join('/'))
      .filter((rel) => !EXEMPT.some((re) => re.test(rel)))
      .flatMap((rel) =>
        phaseLiterals(rel, readFileSync(path.join(ROOT, rel), 'utf8')).map((f) => `${rel}:${f.line} ${f.text}`),
      );
    expect(offenders).toEqual([]);
  });
});
