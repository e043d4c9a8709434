// Sizes of the tiny model and the JSON configuration files.
//
// The JSON files copy the field names and structure of HuggingFaceTB/SmolVLM-256M-Instruct
// (model_type "idefics3", a Llama text_config, an idefics3_vision vision_config, Idefics3
// image processor settings) with tiny numbers. transformers.js reads in particular:
//   config.json            model_type, architectures, image_token_id, text_config.{model_type,
//                          num_key_value_heads, num_hidden_layers, head_dim, eos/bos/pad ids},
//                          transformers.js_config
//   generation_config.json eos_token_id (stops at <|im_end|> or <end_of_utterance>)
//   preprocessor_config    processor_class, image_processor_type, do_image_splitting,
//                          max_image_size.longest_edge (tile), size.longest_edge, mean/std, ...
//   processor_config.json  image_seq_len (number of <image> tokens per tile)

import type { TinyVocab } from './tokenizer.ts';

export const SEED = 20250101;

export const TEXT = {
  hidden: 64,
  intermediate: 128,
  layers: 2,
  heads: 4,
  kvHeads: 2, // grouped-query attention: 2 query heads share each key/value head
  headDim: 16,
  rmsEps: 1e-5,
  ropeTheta: 100000, // as SmolLM2 / SmolVLM-256M
  maxPositions: 8192,
} as const;

export const VISION = {
  hidden: 32,
  intermediate: 128,
  layers: 2,
  heads: 4,
  patch: 8,
  imageSize: 64, // one tile: 8×8 patches
  layerNormEps: 1e-6,
} as const;

/** Pixel-shuffle factor of the connector (SmolVLM-256M uses 4 on 32×32 patches → 64 tokens). */
export const SCALE_FACTOR = 2;

/** <image> tokens per tile: (64/8)² patches / 2² = 16. */
export const IMAGE_SEQ_LEN = (VISION.imageSize / VISION.patch) ** 2 / SCALE_FACTOR ** 2;

/** Images are resized so the longest edge is this, then cut into 64-px tiles (+ 1 global). */
export const RESIZE_LONGEST_EDGE = 2 * VISION.imageSize;

export function configJson(v: TinyVocab): object {
  return {
    architectures: ['Idefics3ForConditionalGeneration'],
    image_seq_len: IMAGE_SEQ_LEN,
    image_token_id: v.ids.image,
    model_type: 'idefics3',
    pad_token_id: v.ids.imEnd,
    scale_factor: SCALE_FACTOR,
    text_config: {
      architectures: ['VLlama3ForCausalLM'],
      attention_bias: false,
      attention_dropout: 0.0,
      bos_token_id: v.ids.imStart,
      eos_token_id: v.ids.imEnd,
      head_dim: TEXT.headDim,
      hidden_act: 'silu',
      hidden_size: TEXT.hidden,
      initializer_range: 0.02,
      intermediate_size: TEXT.intermediate,
      is_llama_config: true,
      max_position_embeddings: TEXT.maxPositions,
      mlp_bias: false,
      model_type: 'llama',
      num_attention_heads: TEXT.heads,
      num_hidden_layers: TEXT.layers,
      num_key_value_heads: TEXT.kvHeads,
      pad_token_id: v.ids.imEnd,
      pixel_shuffle_factor: SCALE_FACTOR,
      pretraining_tp: 1,
      qk_layer_norms: false,
      rms_norm_eps: TEXT.rmsEps,
      rope_interleaved: false,
      rope_scaling: null,
      rope_theta: TEXT.ropeTheta,
      tie_word_embeddings: false,
      torch_dtype: 'float32',
      use_cache: true,
      use_resampler: false,
      vocab_size: v.size,
    },
    tie_word_embeddings: false,
    torch_dtype: 'float32',
    'transformers.js_config': { dtype: 'fp32' },
    transformers_version: '4.50.0',
    use_cache: true,
    vision_config: {
      attention_dropout: 0.0,
      hidden_act: 'gelu_pytorch_tanh',
      hidden_size: VISION.hidden,
      image_size: VISION.imageSize,
      initializer_range: 0.02,
      intermediate_size: VISION.intermediate,
      layer_norm_eps: VISION.layerNormEps,
      max_image_size: { longest_edge: VISION.imageSize },
      model_type: 'idefics3_vision',
      num_attention_heads: VISION.heads,
      num_channels: 3,
      num_hidden_layers: VISION.layers,
      patch_size: VISION.patch,
      size: { longest_edge: RESIZE_LONGEST_EDGE },
      tie_word_embeddings: false,
      torch_dtype: 'float32',
      use_base_siglip: true,
    },
    vocab_size: v.size,
  };
}

export function generationConfigJson(v: TinyVocab): object {
  return {
    _from_model_config: true,
    bos_token_id: v.ids.imStart,
    eos_token_id: [v.ids.imEnd, v.ids.endOfUtterance],
    pad_token_id: v.ids.imEnd,
    transformers_version: '4.50.0',
  };
}

export function preprocessorConfigJson(): object {
  return {
    do_convert_rgb: true,
    do_image_splitting: true,
    do_normalize: true,
    do_pad: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [0.5, 0.5, 0.5],
    image_processor_type: 'Idefics3ImageProcessor',
    image_std: [0.5, 0.5, 0.5],
    max_image_size: { longest_edge: VISION.imageSize },
    processor_class: 'Idefics3Processor',
    resample: 1,
    rescale_factor: 0.00392156862745098,
    size: { longest_edge: RESIZE_LONGEST_EDGE },
  };
}

export function processorConfigJson(): object {
  return { image_seq_len: IMAGE_SEQ_LEN, processor_class: 'Idefics3Processor' };
}
