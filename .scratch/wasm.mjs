import * as ortw from 'onnxruntime-web';
import * as ortn from 'onnxruntime-node';
import { readFileSync } from 'node:fs';
ortw.env.wasm.numThreads = 1;
const dir = '/work/main/models/tiny-random-smolvlm/onnx/';
function lcg(n, seed) { let s = seed>>>0; const o = new Float32Array(n); for (let i=0;i<n;i++){ s=(Math.imul(s,1664525)+1013904223)>>>0; o[i]=s/2**31-1;} return o; }
async function both(file, mk) {
  const w = await ortw.InferenceSession.create(readFileSync(dir + file), { executionProviders: ['wasm'] });
  const n = await ortn.InferenceSession.create(dir + file);
  const a = await w.run(mk(ortw)); const b = await n.run(mk(ortn));
  for (const k of Object.keys(b)) { let m = 0; const x=a[k].data, y=b[k].data; for (let i=0;i<y.length;i++) m=Math.max(m, Math.abs(Number(x[i])-Number(y[i]))); console.log(file, k, a[k].dims.join('x'), 'maxdiff', m); }
}
await both('vision_encoder.onnx', (o) => ({ pixel_values: new o.Tensor('float32', lcg(2*3*64*64, 3), [1,2,3,64,64]), pixel_attention_mask: new o.Tensor('bool', new Uint8Array(2*64*64).fill(1), [1,2,64,64]) }));
await both('embed_tokens.onnx', (o) => ({ input_ids: new o.Tensor('int64', BigInt64Array.from([1n,5n,550n,639n]), [1,4]) }));
await both('decoder_model_merged.onnx', (o) => { const f = { inputs_embeds: new o.Tensor('float32', lcg(2*5*64, 9), [2,5,64]), attention_mask: new o.Tensor('int64', BigInt64Array.from([1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,1n,0n,0n,1n,1n,1n]), [2,10]), position_ids: new o.Tensor('int64', BigInt64Array.from([5n,6n,7n,8n,9n,3n,4n,5n,6n,7n]), [2,5]) };
  for (let i=0;i<2;i++) for (const p of ['key','value']) f[`past_key_values.${i}.${p}`] = new o.Tensor('float32', lcg(2*2*5*16, 20+i), [2,2,5,16]); return f; });
