import { AskView } from '../ui/ask/AskView.tsx';
import { Alert } from '../ui/common/Alert.tsx';
import { ModelBar } from '../ui/models/ModelBar.tsx';

/** The shell: title, model bar, the one message slot, and the view. */
export function App() {
  return (
    <div className="app">
      <header>
        <h1>TPI Playground</h1>
        <p className="tagline">A vision-language model in your browser: ask it about an image.</p>
      </header>
      <ModelBar />
      <Alert />
      <main>
        <AskView />
      </main>
    </div>
  );
}
