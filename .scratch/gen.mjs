import { AutoProcessor, AutoModelForVision2Seq, RawImage, env, TextStreamer } from '@huggingface/transformers';
env.localModelPath = '/work/main/models/'; env.allowRemoteModels = false; env.allowLocalModels = true;
const processor = await AutoProcessor.from_pretrained('tiny-random-smolvlm');
const model = await AutoModelForVision2Seq.from_pretrained('tiny-random-smolvlm', { dtype: 'fp32', device: 'cpu' });
function img(w, h, f) { const d = new Uint8ClampedArray(w*h*3); for (let y=0;y<h;y++) for (let x=0;x<w;x++) { const c=f(x,y); d.set(c,(y*w+x)*3);} return new RawImage(d,w,h,3); }
const images = [
  img(100, 80, (x,y)=>[x*2.55, y*3.2, 255-x*2.55]),
  img(64, 64, ()=>[255,0,0]),
  img(300, 200, (x,y)=>[(x^y)&255, x&255, y&255]),
  img(40, 90, (x,y)=>[0,(x*6)&255,128]),
];
for (const q of ['Can you describe this image?', 'What color is it?']) for (const im of images) {
  const messages = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: q }] }];
  const text = processor.apply_chat_template(messages, { add_generation_prompt: true });
  const inputs = await processor(text, [im]);
  const t0 = performance.now();
  const out = await model.generate({ ...inputs, max_new_tokens: 20, do_sample: false });
  const ans = processor.batch_decode(out.slice(null, [inputs.input_ids.dims[1], null]), { skip_special_tokens: true });
  console.log(inputs.pixel_values.dims.join('x'), inputs.input_ids.dims[1], (performance.now()-t0).toFixed(0)+'ms', JSON.stringify(ans[0]));
}
// sampling
const messages = [{ role: 'user', content: [{ type: 'image' }, { type: 'text', text: 'Hi' }] }];
const text = processor.apply_chat_template(messages, { add_generation_prompt: true });
const inputs = await processor(text, [images[0]]);
const out = await model.generate({ ...inputs, max_new_tokens: 30, do_sample: true, temperature: 1.0 });
console.log('sampled', JSON.stringify(processor.batch_decode(out.slice(null, [inputs.input_ids.dims[1], null]), { skip_special_tokens: true })[0]));
