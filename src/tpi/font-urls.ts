// The bundled font files as URLs in the built page (Vite copies them into assets/). Only the
// render worker imports this module: Node resolves the same files from node_modules instead.
import jp from '@expo-google-fonts/noto-sans-jp/400Regular/NotoSansJP_400Regular.ttf?url';
import mono from '@expo-google-fonts/noto-sans-mono/400Regular/NotoSansMono_400Regular.ttf?url';
import sans from '@expo-google-fonts/noto-sans/400Regular/NotoSans_400Regular.ttf?url';
import serif from '@expo-google-fonts/noto-serif/400Regular/NotoSerif_400Regular.ttf?url';
import type { FontId } from './fonts.ts';

export const FONT_URLS: Readonly<Record<FontId, string>> = { sans, serif, mono, jp };
