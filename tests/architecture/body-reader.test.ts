import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// One reader of request bodies (app/http/body.server.ts, and the upload reader built on it): it checks the CSRF
// token and every text value. Nothing else reads a request's body, every action reads through it, and every form
// and script call that posts sends the token.

const ROOT = path.resolve(__dirname, '../..');
const READER = 'app/http/body.server.ts';
const BODY_METHODS = new Set(['formData', 'json', 'text', 'arrayBuffer', 'blob']);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    if (statSync(full).isDirectory()) return sourceFiles(full);
    return /\.(ts|tsx)$/.test(name) && !/\.test\.tsx?$/.test(name) ? [full] : [];
  });
}

export interface Finding {
  line: number;
  text: string;
}

/** Reads of a request's body other than through the reader: `request.formData()`, `req.json()`… */
export function bodyReads(fileName: string, source: string): Finding[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true);
  const found: Finding[] = [];
  const visit = (node: ts.Node) => {
    if (
      ts.isCallExpression(node) &&
      ts.isPropertyAccessExpression(node.expression) &&
      BODY_METHODS.has(node.expression.name.text) &&
      (node.expression.name.text === 'formData' || /\breq(uest)?$/i.test(node.expression.expression.getText(sf)))
    )
      found.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: node.getText(sf) });
    if (ts.isIdentifier(node) && node.text === 'unstable_parseMultipartFormData' && !ts.isImportSpecifier(node.parent))
      found.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text: node.text });
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

/** Forms that post without `<CsrfField />`, and script calls that post without `csrfHeaders()`. */
export function postsWithoutToken(fileName: string, source: string): Finding[] {
  const sf = ts.createSourceFile(fileName, source, ts.ScriptTarget.Latest, true, ts.ScriptKind.TSX);
  const serverOnly = /\.server\.tsx?$/.test(fileName);
  const found: Finding[] = [];
  const at = (node: ts.Node, text: string) =>
    found.push({ line: sf.getLineAndCharacterOfPosition(node.getStart(sf)).line + 1, text });
  const visit = (node: ts.Node) => {
    if (ts.isJsxElement(node)) {
      const tag = node.openingElement.tagName.getText(sf);
      const method = node.openingElement.attributes.properties.find(
        (p) => ts.isJsxAttribute(p) && p.name.getText(sf) === 'method',
      );
      const posts = method && ts.isJsxAttribute(method) && /post/i.test(method.initializer?.getText(sf) ?? '');
      if ((tag === 'Form' || tag.endsWith('.Form')) && posts && !/<CsrfField\s*\/>/.test(node.getText(sf)))
        at(node, `<${tag} method="post"> without <CsrfField />`);
    }
    if (ts.isCallExpression(node) && /\.submit$/.test(node.expression.getText(sf)))
      at(node, `${node.expression.getText(sf)}(): send the token (csrfHeaders or a form with CsrfField)`);
    // A .server module never runs in the browser: its fetch() is a call to another system (an SMS provider) with
    // that system's credentials, not a page posting to this app.
    if (ts.isCallExpression(node) && node.expression.getText(sf) === 'fetch' && node.arguments[1] && !serverOnly) {
      const init = node.arguments[1].getText(sf);
      if (/method:\s*['"](?!GET)/i.test(init) && !/csrfHeaders\(/.test(init))
        at(node, 'fetch() that posts without csrfHeaders()');
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return found;
}

const rel = (file: string) => path.relative(ROOT, file).split(path.sep).join('/');

describe('one body reader', () => {
  it('finds body reads and posts without the token', () => {
    const reads = ['const f = await request.formData();', 'const b = await req.json();', 'const r = await res.json();'];
    expect(bodyReads('a.ts', reads.join('\n')).map((f) => f.line)).toEqual([1, 2]);
    const posts = [
      '<Form method="post"><input /></Form>;',
      '<fetcher.Form method="post"><CsrfField /></fetcher.Form>;',
      '<Form method="get"></Form>;',
      "fetch('/x', { method: 'POST', body });",
      "fetch('/x', { method: 'POST', headers: csrfHeaders() });",
      "fetch('/x', { credentials: 'same-origin' });",
    ];
    expect(postsWithoutToken('a.tsx', posts.join('\n')).map((f) => f.line)).toEqual([1, 4]);
    // A server module's call to another system is not a page's post; a server module's form still is.
    expect(postsWithoutToken('a.server.ts', posts.join('\n')).map((f) => f.line)).toEqual([1]);
  });

  it('no file under app/ but the reader reads a request body', () => {
    const offenders = sourceFiles(path.join(ROOT, 'app'))
      .map(rel)
      .filter((file) => file !== READER && file !== 'app/http/upload.server.ts')
      .flatMap((file) =>
        bodyReads(file, readFileSync(path.join(ROOT, file), 'utf8')).map((f) => `${file}:${f.line} ${f.text}`),
      );
    expect(offenders).toEqual([]);
  });

  it('the upload reader parses multipart only to hand the form to the reader', () => {
    const source = readFileSync(path.join(ROOT, 'app/http/upload.server.ts'), 'utf8');
    expect(bodyReads('upload.server.ts', source).map((f) => f.text)).toEqual(['unstable_parseMultipartFormData']);
    expect(source).toContain('checkUploadText(request, form)');
  });

  it('every action reads its request through the reader', () => {
    const routes = sourceFiles(path.join(ROOT, 'app/routes')).map(rel);
    const unread = routes.filter((file) => {
      const source = readFileSync(path.join(ROOT, file), 'utf8');
      return (
        /export (async )?function action\b/.test(source) && !/from '\.\.\/http\/(body|upload)\.server'/.test(source)
      );
    });
    expect(unread).toEqual([]);
  });

  it('every form that posts and every script call that posts sends the CSRF token', () => {
    const offenders = ['app', 'telephony']
      .flatMap((top) => sourceFiles(path.join(ROOT, top)))
      .map(rel)
      .flatMap((file) =>
        postsWithoutToken(file, readFileSync(path.join(ROOT, file), 'utf8')).map((f) => `${file}:${f.line} ${f.text}`),
      );
    expect(offenders).toEqual([]);
  });
});
