import { useLayoutEffect, useRef } from 'react';
import { useApp } from '../../store/store.ts';
import { formatStats } from '../common/format.ts';

/** Questions and answers about the current image. Answers are text nodes, never HTML. */
export function Conversation() {
  const turns = useApp((s) => s.turns);
  const box = useRef<HTMLElement>(null);
  const pinned = useRef(true);
  // Follow the streaming answer, unless the reader has scrolled up to read something else.
  useLayoutEffect(() => {
    const el = box.current;
    if (el && pinned.current) el.scrollTop = el.scrollHeight;
  }, [turns]);
  return (
    <section
      ref={box}
      onScroll={(e) => {
        const el = e.currentTarget;
        pinned.current = el.scrollHeight - el.scrollTop - el.clientHeight < 40;
      }}
      className="conversation" aria-label="Answer" aria-live="polite" aria-busy={turns.some((t) => t.streaming)}>
      {turns.length === 0 && <p className="hint">Answers appear here, token by token.</p>}
      {turns.map((t, i) => (
        <article key={i} className="turn" data-testid="turn" data-streaming={t.streaming}>
          <p className="question">{t.question}</p>
          <p className="answer">
            <span data-testid="answer-text">{t.answer}</span>
            {t.streaming && <span className="cursor" aria-hidden="true">▍</span>}
          </p>
          {(t.stats || t.stopReason) && (
            <p className="stats" data-testid="answer-stats">
              {t.stats && formatStats(t.stats).map((s) => (
                <span key={s}>{s}</span>
              ))}
              {t.meanProb !== undefined && <span>mean token probability {(t.meanProb * 100).toFixed(0)} %</span>}
              {t.stopReason === 'stopped' && <span>{t.stats ? 'stopped' : 'interrupted'}</span>}
              {t.stopReason === 'max-tokens' && <span>length limit</span>}
            </p>
          )}
        </article>
      ))}
    </section>
  );
}
