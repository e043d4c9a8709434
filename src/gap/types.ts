// Feature records for the Gap view and `tpi gap`, and the grouping of them into aligned
// matrices. Pure data handling: no DOM, no model code.

/** The three forms one item is given to the model in (PRODUCT.md, "modality gap"). */
export type Form = 'real' | 'tpi' | 'text';
/** Which feature space: the VLM's own (vision encoder / token embeddings) or a CLIP/SigLIP lens. */
export type Lens = 'vlm' | 'clip';

export const FORMS: readonly Form[] = ['real', 'tpi', 'text'];
export const LENSES: readonly Lens[] = ['vlm', 'clip'];

/** One vector. Float32Array is what the model runtimes hand out; plain arrays come from JSON. */
export type Vector = Float32Array | Float64Array | readonly number[];
/** Rows are items, columns are feature dimensions. */
export type Matrix = readonly Vector[];

export interface FeatureRecord {
  id: string;
  lens: Lens;
  form: Form;
  vector: Float32Array | number[];
}

/** All items of one (lens, form), in first-seen order. */
export interface FormMatrix {
  ids: string[];
  rows: Vector[];
  dim: number;
}

/** Rows of several forms aligned by id: row i of every matrix is the same item. */
export interface Aligned<F extends Form> {
  ids: string[];
  matrices: Record<F, Vector[]>;
  dims: Record<F, number>;
  /** Items of this lens that have at least one of the requested forms but not all of them. */
  excluded: number;
}

/**
 * Groups records by (lens, form) and aligns ids across forms. Built once, read many times; the
 * record vectors are referenced, not copied, so a large set costs no extra memory.
 *
 * Throws on duplicate (id, lens, form), on mixed dimensions within one (lens, form), and on
 * non-finite values: each of these would silently corrupt every metric downstream.
 */
export class FeatureSet {
  // key `${lens}/${form}` -> id -> vector; Map keeps insertion order, which gives the row order.
  private readonly groups = new Map<string, Map<string, Vector>>();
  private readonly dimOf = new Map<string, number>();

  static from(records: Iterable<FeatureRecord>): FeatureSet {
    const set = new FeatureSet();
    for (const r of records) set.add(r);
    return set;
  }

  add(r: FeatureRecord): void {
    const key = groupKey(r.lens, r.form);
    const dim = r.vector.length;
    if (dim === 0) throw new Error(`feature ${r.id} (${key}) is empty`);
    for (let j = 0; j < dim; j++) {
      if (!Number.isFinite(r.vector[j])) throw new Error(`feature ${r.id} (${key}) has a non-finite value at ${j}`);
    }
    const known = this.dimOf.get(key);
    if (known !== undefined && known !== dim) {
      throw new Error(`feature ${r.id} (${key}) has dimension ${dim}, others have ${known}`);
    }
    let group = this.groups.get(key);
    if (!group) {
      group = new Map();
      this.groups.set(key, group);
      this.dimOf.set(key, dim);
    }
    if (group.has(r.id)) throw new Error(`duplicate feature ${r.id} (${key})`);
    group.set(r.id, r.vector);
  }

  lenses(): Lens[] {
    return LENSES.filter((lens) => FORMS.some((form) => this.groups.has(groupKey(lens, form))));
  }

  forms(lens: Lens): Form[] {
    return FORMS.filter((form) => this.groups.has(groupKey(lens, form)));
  }

  /** Dimension of (lens, form), or null when there are no records of it. */
  dim(lens: Lens, form: Form): number | null {
    return this.dimOf.get(groupKey(lens, form)) ?? null;
  }

  matrix(lens: Lens, form: Form): FormMatrix {
    const group = this.groups.get(groupKey(lens, form));
    if (!group) return { ids: [], rows: [], dim: 0 };
    return { ids: [...group.keys()], rows: [...group.values()], dim: this.dimOf.get(groupKey(lens, form)) ?? 0 };
  }

  /**
   * Items that have every requested form, in the order they were first seen in the first form.
   * Paired metrics need row i of each matrix to be the same item; items missing a form cannot
   * take part and are counted in `excluded` so that a report can say how many were dropped.
   */
  aligned<F extends Form>(lens: Lens, forms: readonly F[]): Aligned<F> {
    const groups = forms.map((f) => this.groups.get(groupKey(lens, f)) ?? new Map<string, Vector>());
    const seen = new Set<string>();
    for (const g of groups) for (const id of g.keys()) seen.add(id);
    const ids: string[] = [];
    for (const id of seen) if (groups.every((g) => g.has(id))) ids.push(id);
    const matrices = {} as Record<F, Vector[]>;
    const dims = {} as Record<F, number>;
    forms.forEach((f, k) => {
      const g = groups[k];
      matrices[f] = ids.map((id) => g.get(id) as Vector);
      dims[f] = this.dimOf.get(groupKey(lens, f)) ?? 0;
    });
    return { ids, matrices, dims, excluded: seen.size - ids.length };
  }
}

function groupKey(lens: Lens, form: Form): string {
  return `${lens}/${form}`;
}
