import { useEffect, useRef } from 'react';
import { ask, newConversation, setQuestion, stop } from '../../store/actions.ts';
import { useApp } from '../../store/store.ts';
import { PRESETS } from '../../vlm/prompt.ts';
import { Conversation } from './Conversation.tsx';
import { ImagePicker } from './ImagePicker.tsx';

/** Ask: an image, a question, an answer streaming in; follow-ups reuse the encoded image. */
export function AskView() {
  const question = useApp((s) => s.question);
  const asking = useApp((s) => s.asking);
  const hasTurns = useApp((s) => s.turns.length > 0);
  const questionBox = useRef<HTMLTextAreaElement>(null);
  // Arriving from another view's button (Print's "Ask about this image"), focus would fall to
  // the page with the button gone: it goes to the question. Focus the user put somewhere stays.
  useEffect(() => {
    if (!document.activeElement || document.activeElement === document.body) questionBox.current?.focus();
  }, []);
  return (
    <div className="ask-view">
      <ImagePicker />
      <div className="ask-side">
        <Conversation />
        <form
          className="ask-form"
          onSubmit={(e) => {
            e.preventDefault();
            void ask();
          }}
        >
          <div className="presets" role="group" aria-label="Presets">
            {PRESETS.map((p) => (
              <button key={p.id} type="button" className="chip" onClick={() => setQuestion(p.question)}>
                {p.label}
              </button>
            ))}
          </div>
          <textarea
            ref={questionBox}
            aria-label="Question"
            placeholder={hasTurns ? 'Ask a follow-up question…' : 'Ask a question about the image…'}
            rows={2}
            value={question}
            onChange={(e) => setQuestion(e.target.value)}
            onKeyDown={(e) => {
              if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
                e.preventDefault();
                void ask();
              }
            }}
          />
          <div className="row">
            <button type="submit" className="primary" disabled={asking}>
              Ask
            </button>
            <button type="button" onClick={stop} disabled={!asking}>
              Stop
            </button>
            <button type="button" className="quiet" onClick={newConversation} disabled={asking || !hasTurns}>
              New conversation
            </button>
          </div>
        </form>
      </div>
    </div>
  );
}
