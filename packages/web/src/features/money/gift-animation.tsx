import { type CSSProperties, useEffect, useRef, useState } from 'react';
import { useI18n } from '../../app/i18n-context.tsx';
import type { GiftSent } from './money.types.ts';
import './money.css';

/** How long one gift stays on screen, in ms (the CSS animations last as long). */
export const GIFT_ANIMATION_MS = 3_600;

/** Icons a "rain" gift drops, and where (percent across the player) each one falls. */
const RAIN_DROPS = [8, 22, 35, 48, 61, 74, 87, 15, 55, 80];
/** Directions a "burst" gift's copies fly out in (degrees). */
const BURST_RAYS = [0, 45, 90, 135, 180, 225, 270, 315];

/** Props of the gift overlay placed over the player. */
export interface GiftAnimationProps {
  /** Gifts received (newest last), e.g. from the socket event `gift`; each is played once, by id. */
  gifts: readonly GiftSent[];
  /** Called when a gift's animation ended, so the caller can drop it from its list. */
  onDone?: (giftId: string) => void;
}

/** One gift on screen. */
function GiftEffect({ gift, onEnd }: { gift: GiftSent; onEnd: () => void }) {
  const { t } = useI18n();
  const onEndRef = useRef(onEnd);
  onEndRef.current = onEnd;
  useEffect(() => {
    const timer = window.setTimeout(() => onEndRef.current(), GIFT_ANIMATION_MS);
    return () => window.clearTimeout(timer);
  }, []);
  const label = t('money.gift.received', {
    name: gift.fromName,
    gift: gift.giftName,
    quantity: gift.quantity,
  });
  return (
    <div
      className={`gift-fx gift-fx-${gift.animation}`}
      data-testid="gift-animation"
      data-animation={gift.animation}
    >
      {gift.animation === 'rain' &&
        RAIN_DROPS.map((left, index) => (
          <span
            key={left}
            className="gift-fx-drop"
            aria-hidden="true"
            style={{ left: `${left}%`, animationDelay: `${(index % 5) * 180}ms` } as CSSProperties}
          >
            {gift.icon}
          </span>
        ))}
      {gift.animation === 'burst' &&
        BURST_RAYS.map((angle) => (
          <span
            key={angle}
            className="gift-fx-ray"
            aria-hidden="true"
            style={{ '--gift-angle': `${angle}deg` } as CSSProperties}
          >
            {gift.icon}
          </span>
        ))}
      <span className="gift-fx-icon" aria-hidden="true">
        {gift.icon}
      </span>
      <span className="gift-fx-label">{label}</span>
    </div>
  );
}

/**
 * Overlay that plays received gifts over the player (float, burst or rain, with the sender's name); with
 * reduced motion the gifts only fade in and out. Put it inside a positioned container over the video.
 */
export function GiftAnimation({ gifts, onDone }: GiftAnimationProps) {
  const [finished, setFinished] = useState<ReadonlySet<string>>(() => new Set());
  const playing = gifts.filter((gift) => !finished.has(gift.id)).slice(-6);

  return (
    <div className="gift-overlay" aria-live="polite" data-testid="gift-overlay">
      {playing.map((gift) => (
        <GiftEffect
          key={gift.id}
          gift={gift}
          onEnd={() => {
            setFinished((old) => {
              const present = new Set(gifts.map((item) => item.id));
              return new Set([...old, gift.id].filter((id) => present.has(id)));
            });
            onDone?.(gift.id);
          }}
        />
      ))}
    </div>
  );
}
