import { useEffect, useState, type ReactNode } from 'react';
import { AskView } from '../ui/ask/AskView.tsx';
import { Alert } from '../ui/common/Alert.tsx';
import { ModelBar } from '../ui/models/ModelBar.tsx';
import { PrintView } from '../ui/print/PrintView.tsx';
import { CompareView } from '../ui/compare/CompareView.tsx';
import { GapView } from '../ui/gap/GapView.tsx';
import { VIEWS, viewFromHash } from './views.ts';

/** Each view's component; a view listed in views.ts must have one here. */
const COMPONENTS: Record<string, () => ReactNode> = {
  ask: () => <AskView />,
  print: () => <PrintView />,
  compare: () => <CompareView />,
  gap: () => <GapView />,
};

function useView(): string {
  const [view, setView] = useState(() => viewFromHash(location.hash));
  useEffect(() => {
    const onHash = () => setView(viewFromHash(location.hash));
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  return view;
}

/** The shell: title, view tabs, model bar, the one message slot, and the current view. */
export function App() {
  const view = useView();
  const render = COMPONENTS[view] ?? COMPONENTS.ask;
  return (
    <div className="app">
      <header>
        <h1>TPI Playground</h1>
        <nav aria-label="Views" className="tabs">
          {VIEWS.map((v) => (
            <a key={v.id} href={`#/${v.id}`} aria-current={v.id === view ? 'page' : undefined}>
              {v.label}
            </a>
          ))}
        </nav>
      </header>
      <ModelBar />
      <Alert />
      <main>{render()}</main>
    </div>
  );
}
