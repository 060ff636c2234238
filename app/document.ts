import { createContext, useContext } from 'react';
import {
  DEFAULT_LANGUAGE,
  DEFAULT_STRING_SET,
  isLanguage,
  isStringSet,
  type Language,
  type StringSet,
} from './i18n/i18n';

// What the server decides for each rendered page before any loader runs: the nonce of its inline scripts
// and its language. Neither travels in loader data: a page whose root loader failed (the database is
// down) still renders in the user's language, and the nonce never sits in the serialised page state.

export interface DocumentFacts {
  /** The CSP nonce of this response's scripts; empty in the browser, which hides nonces from the DOM. */
  nonce: string;
  lang: Language;
}

const DocumentContext = createContext<DocumentFacts>({ nonce: '', lang: DEFAULT_LANGUAGE });

export const DocumentProvider = DocumentContext.Provider;

export const useNonce = () => useContext(DocumentContext).nonce;
export const useDocumentLanguage = () => useContext(DocumentContext).lang;

/** In the browser: the language the server rendered the page in (the language cookie is httpOnly). */
export function renderedDocument(doc: Document): DocumentFacts {
  const lang = doc.documentElement.lang;
  return { nonce: '', lang: isLanguage(lang) ? lang : DEFAULT_LANGUAGE };
}

/** In the browser: the set of strings the server rendered the page with (the root layout writes it on <html>). */
export function renderedStringSet(doc: Document): StringSet {
  const set = doc.documentElement.dataset.strings;
  return isStringSet(set) ? set : DEFAULT_STRING_SET;
}
