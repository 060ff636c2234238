import { RemixBrowser } from '@remix-run/react';
import { startTransition, StrictMode, useEffect, type ReactNode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { DocumentProvider, renderedDocument, renderedStringSet } from './document';
import { loadEnglish } from './i18n/english';

/** Marks the page once React has hydrated it: a page whose scripts failed keeps working only as plain HTML. */
function Hydrated({ children }: { children: ReactNode }) {
  useEffect(() => {
    document.documentElement.dataset.hydrated = 'true';
  }, []);
  return children;
}

const facts = renderedDocument(document);

function hydrate() {
  startTransition(() => {
    hydrateRoot(
      document,
      <StrictMode>
        <DocumentProvider value={facts}>
          <Hydrated>
            <RemixBrowser />
          </Hydrated>
        </DocumentProvider>
      </StrictMode>,
    );
  });
}

// An English page hydrates with the English it was rendered with, fetched first; a Chinese page needs none.
if (facts.lang === 'en') void loadEnglish(renderedStringSet(document)).then(hydrate, hydrate);
else hydrate();
