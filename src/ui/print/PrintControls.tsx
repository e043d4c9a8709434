import { useId, useState, type ReactNode } from 'react';
import { updateSettings } from '../../store/print-actions.ts';
import { usePrint, type PrintSettings } from '../../store/print.ts';
import { nativeSize } from '../../store/model-size.ts';
import { useApp } from '../../store/store.ts';
import { AUGMENT_LIMITS, type Augment } from '../../tpi/augment.ts';
import { FONT_IDS, FONTS, type FontId } from '../../tpi/fonts.ts';
import type { PresetName } from '../../tpi/presets.ts';
import { ALIGNMENTS, type Alignment } from '../../tpi/types.ts';

/**
 * A number input that shows exactly what is typed and reports only values in [min, max]. An
 * entry outside that (or an empty box) is marked invalid with the range beside it and changes
 * nothing; leaving the box (or Enter) puts the current setting back.
 */
function NumberField(props: { label: string; value: number; min: number; max: number; step?: number; onChange: (v: number) => void; disabled?: boolean }) {
  // The text being typed, and the setting it was typed against: a change from elsewhere drops it.
  const [draft, setDraft] = useState<{ text: string; base: number } | null>(null);
  const hintId = useId();
  const text = draft && draft.base === props.value ? draft.text : String(props.value);
  const parsed = text.trim() === '' ? NaN : Number(text);
  const invalid = !(parsed >= props.min && parsed <= props.max);
  return (
    <span className="field number-field">
      <label>
        {props.label}
        <input
          type="number"
          value={text}
          min={props.min}
          max={props.max}
          step={props.step ?? 1}
          disabled={props.disabled}
          aria-invalid={invalid || undefined}
          aria-describedby={invalid ? hintId : undefined}
          onChange={(e) => {
            const v = e.target.value === '' ? NaN : Number(e.target.value);
            const ok = v >= props.min && v <= props.max;
            setDraft({ text: e.target.value, base: ok ? v : props.value });
            if (ok) props.onChange(v);
          }}
          onBlur={() => setDraft(null)}
          onKeyDown={(e) => {
            if (e.key === 'Enter') setDraft(null);
          }}
        />
      </label>
      {invalid && (
        <span className="range-hint" id={hintId}>
          {props.min}–{props.max}
        </span>
      )}
    </span>
  );
}

/** A select with its own label element (a label wrapping a select would name it after its options too). */
function SelectField<T extends string>(props: { label: string; value: T; options: readonly { value: T; label: string }[]; onChange: (v: T) => void }) {
  const id = useId();
  return (
    <span className="field">
      <label htmlFor={id}>{props.label}</label>
      <select id={id} value={props.value} onChange={(e) => props.onChange(e.target.value as T)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </span>
  );
}

function Group({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="controls">
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

export function PrintControls() {
  const s = usePrint((st) => st.settings);
  const native = nativeSize(useApp((st) => st.selectedId));
  const set = (patch: Partial<PrintSettings>) => updateSettings(patch);
  const aug = (k: keyof Augment, v: number) => set({ augment: { ...s.augment, [k]: v } });
  return (
    <>
      <Group title="Layout">
        <SelectField
          label="Preset"
          value={s.preset}
          onChange={(preset: PresetName) => set({ preset })}
          options={[
            { value: 'paper', label: 'Paper (336×336, ≤32 px, black on white)' },
            { value: 'native', label: `Model native (${native}×${native})` },
            { value: 'custom', label: 'Custom' },
          ]}
        />
        <SelectField label="Font" value={s.font} onChange={(font: FontId) => set({ font })} options={FONT_IDS.map((id) => ({ value: id, label: FONTS[id].label }))} />
        <NumberField label="Canvas size (px)" value={s.size} min={16} max={4096} onChange={(size) => set({ size })} />
        <NumberField label="Min font size (px)" value={s.minFontSize} min={1} max={s.maxFontSize} onChange={(minFontSize) => set({ minFontSize })} />
        <NumberField label="Max font size (px)" value={s.maxFontSize} min={s.minFontSize} max={512} onChange={(maxFontSize) => set({ maxFontSize })} />
        <label>
          Text colour
          <input type="color" value={s.foreground} onChange={(e) => set({ foreground: e.target.value })} />
        </label>
        <label>
          Background colour
          <input type="color" value={s.background} onChange={(e) => set({ background: e.target.value })} />
        </label>
        <SelectField label="Alignment" value={s.align} onChange={(align: Alignment) => set({ align })} options={ALIGNMENTS.map((a) => ({ value: a, label: a }))} />
      </Group>
      <Group title="Augmentation (seeded)">
        <NumberField label="Rotation (max °)" value={s.augment.rotate} min={0} max={AUGMENT_LIMITS.rotate[1]} step={0.5} onChange={(v) => aug('rotate', v)} />
        <NumberField label="Perspective (max)" value={s.augment.perspective} min={0} max={AUGMENT_LIMITS.perspective[1]} step={0.01} onChange={(v) => aug('perspective', v)} />
        <NumberField label="Paper texture" value={s.augment.paper} min={0} max={1} step={0.05} onChange={(v) => aug('paper', v)} />
        <NumberField label="Blur (max σ px)" value={s.augment.blur} min={0} max={AUGMENT_LIMITS.blur[1]} step={0.1} onChange={(v) => aug('blur', v)} />
        <NumberField label="Noise" value={s.augment.noise} min={0} max={AUGMENT_LIMITS.noise[1]} step={0.01} onChange={(v) => aug('noise', v)} />
        <NumberField label="JPEG quality (0 = off)" value={s.augment.jpeg} min={0} max={100} onChange={(v) => aug('jpeg', Math.round(v))} />
        <NumberField label="Seed" value={s.seed} min={0} max={2 ** 31 - 1} onChange={(seed) => set({ seed: Math.round(seed) })} />
      </Group>
    </>
  );
}
