/**
 * A file input that looks like a button: keyboard-focusable, named for assistive technology by
 * `label`, and reset after each pick so choosing the same file again still fires.
 */
export const IMAGE_TYPES = 'image/png,image/jpeg,image/gif,image/webp,image/bmp';

interface Props {
  label: string;
  text: string;
  accept: string;
  onFiles: (files: File[]) => void;
  multiple?: boolean;
  disabled?: boolean;
}

export function FileButton({ label, text, accept, onFiles, multiple, disabled }: Props) {
  return (
    <label className="file-button">
      <input
        type="file"
        aria-label={label}
        accept={accept}
        multiple={multiple}
        disabled={disabled}
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          if (files.length) onFiles(files);
        }}
      />
      <span aria-hidden="true">{text}</span>
    </label>
  );
}
