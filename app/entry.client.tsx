import { RemixBrowser } from '@remix-run/react';
import { startTransition, StrictMode } from 'react';
import { hydrateRoot } from 'react-dom/client';
import { DocumentProvider, renderedDocument } from './document';

startTransition(() => {
  hydrateRoot(
    document,
    <StrictMode>
      <DocumentProvider value={renderedDocument(document)}>
        <RemixBrowser />
      </DocumentProvider>
    </StrictMode>,
  );
});
