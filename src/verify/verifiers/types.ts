/** Random access to the bytes of one file, handed in by the caller: verifiers do no I/O of their own. */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Promise<Buffer>;
}

export interface TensorInfo {
  name: string;
  dtype: string;
  shape: number[];
  /** Storage key (torch) or byte range start (safetensors, npy). */
  storage: string;
  bytes: number;
}

export interface VerifyResult {
  format: string;
  ok: boolean;
  problems: string[];
  tensors: TensorInfo[];
  /** Tensors (or storages) holding NaN or ±Inf, with how many such values. */
  nonFinite: Array<{ name: string; count: number }>;
  note?: string;
}

/** Element sizes of the dtypes the verifiers understand. */
export const DTYPE_BYTES: Record<string, number> = {
  float64: 8,
  float32: 4,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
  uint16: 2,
  uint32: 4,
  uint64: 8,
  complex64: 8,
  complex128: 16,
  float8_e4m3fn: 1,
  float8_e5m2: 1,
};

export const FLOAT_DTYPES = new Set(['float64', 'float32', 'float16', 'bfloat16']);
