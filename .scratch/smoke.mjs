import ort from 'onnxruntime-node';
const dir = '/tmp/tiny1/onnx/';
for (const f of ['vision_encoder', 'embed_tokens', 'decoder_model_merged']) {
  const s = await ort.InferenceSession.create(dir + f + '.onnx');
  console.log(f, s.inputNames, s.outputNames);
  console.log(JSON.stringify(s.inputMetadata?.slice?.(0, 4) ?? null));
}
const v = await ort.InferenceSession.create(dir + 'vision_encoder.onnx');
const px = new ort.Tensor('float32', new Float32Array(2*3*64*64).map((_, i) => Math.sin(i)), [1, 2, 3, 64, 64]);
const m = new ort.Tensor('bool', new Uint8Array(2*64*64).fill(1), [1, 2, 64, 64]);
const o = await v.run({ pixel_values: px, pixel_attention_mask: m });
console.log(o.image_features.dims, o.image_features.data.slice(0, 5));
const d = await ort.InferenceSession.create(dir + 'decoder_model_merged.onnx');
const S = 5;
const feeds = {
  inputs_embeds: new ort.Tensor('float32', new Float32Array(S*64).map((_, i) => Math.cos(i)), [1, S, 64]),
  attention_mask: new ort.Tensor('int64', new BigInt64Array(S).fill(1n), [1, S]),
  position_ids: new ort.Tensor('int64', BigInt64Array.from([0n,1n,2n,3n,4n]), [1, S]),
};
for (let i = 0; i < 2; i++) for (const kv of ['key', 'value']) feeds[`past_key_values.${i}.${kv}`] = new ort.Tensor('float32', new Float32Array(0), [1, 2, 0, 16]);
const r = await d.run(feeds);
console.log(r.logits.dims, r['present.1.value'].dims, r.logits.data.slice(0, 5));
