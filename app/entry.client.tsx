import { RemixBrowser } from '@remix-run/react';
import { startTransition, StrictMode, useEffect, type ReactNode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { DocumentProvider, renderedDocument } from './document';

/** Marks the page once React has hydrated it: a page whose scripts failed keeps working only as plain HTML. */
function Hydrated({ children }: { children: ReactNode }) {
  useEffect(() => {
    document.documentElement.dataset.hydrated = 'true';
  }, []);
  return children;
}

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <DocumentProvider value={renderedDocument(document)}>
        <Hydrated>
          <RemixBrowser />
        </Hydrated>
      </DocumentProvider>
    </StrictMode>,
  );
});
