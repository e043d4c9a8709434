import { useEffect, useState, type DragEvent } from 'react';
import { pickImage } from '../../store/actions.ts';
import { useApp } from '../../store/store.ts';
import { FileButton, IMAGE_TYPES } from '../common/FileButton.tsx';

/** Drop, paste (anywhere on the page) or pick an image; shows the preview. */
export function ImagePicker() {
  const image = useApp((s) => s.image);
  const [over, setOver] = useState(false);

  useEffect(() => {
    const onPaste = (e: ClipboardEvent) => {
      const file = [...(e.clipboardData?.files ?? [])][0];
      if (file) {
        e.preventDefault();
        void pickImage(file, file.name || 'pasted image');
      }
    };
    window.addEventListener('paste', onPaste);
    return () => window.removeEventListener('paste', onPaste);
  }, []);

  const onDrop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    const file = e.dataTransfer.files[0];
    if (file) void pickImage(file);
  };

  return (
    <div
      className={`drop-zone${over ? ' over' : ''}`}
      data-testid="drop-zone"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={onDrop}
    >
      {image ? (
        <img className="preview" src={image.url} alt={`Selected image: ${image.name}`} />
      ) : (
        <p className="hint">Drop an image here, paste one, or pick a file.</p>
      )}
      <FileButton
        label="Image"
        text={image ? 'Choose another image…' : 'Choose an image…'}
        accept={IMAGE_TYPES}
        onFiles={([file]) => void pickImage(file)}
      />
      {image && (
        <p className="image-meta">
          {image.name} · {image.width}×{image.height}
        </p>
      )}
    </div>
  );
}
