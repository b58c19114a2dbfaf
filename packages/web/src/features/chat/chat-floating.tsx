import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../../app/i18n-context.tsx';
import { bubblesFor } from './chat.model.ts';
import type { ChatState } from './chat.state.ts';

/** How long a floating bubble stays on screen, ms. */
const BUBBLE_MS = 2_600;

interface Bubble {
  id: number;
  emoji: string;
  left: number;
  delay: number;
}

function prefersReducedMotion(): boolean {
  return typeof window !== 'undefined' && window.matchMedia?.('(prefers-reduced-motion: reduce)').matches;
}

export function FloatingReactions({ state }: { state: ChatState }) {
  const { t } = useI18n();
  const [bubbles, setBubbles] = useState<Bubble[]>([]);
  const nextId = useRef(0);
  const { seq, counts } = state.floating;

  useEffect(() => {
    if (seq === 0 || prefersReducedMotion()) return;
    const fresh = bubblesFor(counts).map((emoji, index) => ({
      id: nextId.current++,
      emoji,
      left: Math.round(Math.random() * 60),
      delay: index * 90,
    }));
    if (fresh.length === 0) return;
    setBubbles((current) => [...current, ...fresh].slice(-40));
    const ids = new Set(fresh.map((b) => b.id));
    const timer = setTimeout(
      () => setBubbles((current) => current.filter((b) => !ids.has(b.id))),
      BUBBLE_MS + fresh.length * 90,
    );
    return () => clearTimeout(timer);
  }, [seq, counts]);

  const totals = Object.entries(state.floatingTotals).sort((a, b) => b[1] - a[1]);
  return (
    <div className="chat-floating" aria-hidden={totals.length === 0}>
      {totals.length > 0 && (
        <ul
          className="chat-floating-totals"
          aria-label={t('chat.liveReactionsLabel')}
          data-testid="chat-floating-totals"
        >
          {totals.map(([emoji, count]) => (
            <li key={`${emoji}:${count}`} className="chat-floating-total">
              <span>{emoji}</span> <span>{count}</span>
            </li>
          ))}
        </ul>
      )}
      {bubbles.map((b) => (
        <span
          key={b.id}
          className="chat-bubble"
          style={{ right: `${b.left}px`, animationDelay: `${b.delay}ms` }}
          aria-hidden="true"
        >
          {b.emoji}
        </span>
      ))}
    </div>
  );
}
