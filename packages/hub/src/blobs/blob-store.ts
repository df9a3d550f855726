// Content-addressed blob storage: a blob's key is the lowercase hex SHA-256 of its bytes.
// Implementations live in folders named after the technology (fs/, s3/).

import type { Readable } from 'node:stream';

/** Bytes being written; nothing is visible under a key until `commit`. */
export interface TempBlob {
  /** resolves when the chunk is accepted (backpressure) */
  write(chunk: Uint8Array): Promise<void>;
  /** all bytes written: makes them durable and returns their digest and size */
  finish(): Promise<{ sha256: string; size: number }>;
  /** moves the finished bytes under their key (a no-op when that blob already exists); returns the key */
  commit(): Promise<string>;
  /** reads back finished bytes (before commit) */
  read(range?: ByteRange): Readable;
  /** discards the bytes; never throws */
  abort(): Promise<void>;
  /**
   * After `commit`, for a temp created with `{ inline: true }` that stayed small: its bytes, which
   * the caller must store with the Store's `insertInlineBlobs` in the transaction that references
   * the key (that transaction's commit is what makes them durable). Undefined when the bytes were
   * made durable as a file.
   */
  inlineBytes?(): Uint8Array | undefined;
  /** several chunks in order, as `write` each would, in one operation where the store can (a file's writev) */
  writeMany?(chunks: Uint8Array[]): Promise<void>;
}

export interface ByteRange {
  /** first byte, inclusive */
  start: number;
  /** end, exclusive */
  end: number;
}

export interface BlobStore {
  /** prepares the storage and removes temporary data a crash left behind */
  init(): Promise<void>;
  /**
   * `inline`: the caller stores small blobs in its own transaction (see TempBlob.inlineBytes); the
   * bytes may then be kept in memory up to a threshold and never touch a file
   */
  createTemp(opts?: { inline?: boolean }): Promise<TempBlob>;
  has(key: string): Promise<boolean>;
  size(key: string): Promise<number | undefined>;
  open(key: string, range?: ByteRange): Promise<Readable>;
  health(): Promise<{ ok: boolean; detail?: string }>;
  /**
   * Every blob stored as a file (not the inline ones), in key order, streamed: memory stays bounded
   * whatever their number.
   */
  listFiles(): AsyncIterable<StoredFile>;
  /**
   * Deletes the file blob `key` unless it was modified at or after `modifiedBefore` (a commit that found
   * the blob already there refreshes its time). Returns the bytes freed; undefined when nothing was deleted.
   */
  deleteFile(key: string, modifiedBefore: Date): Promise<number | undefined>;

  /**
   * The bytes of `key` (of `range`) when the blob is small and kept in the database or in memory:
   * a reader that would buffer a small stream anyway takes them at once. Undefined for a blob stored
   * as a file (read it with `open`), and where the store has no such tier.
   */
  inlineBytes?(key: string, range?: ByteRange): Promise<Buffer | undefined>;
  /**
   * Small blobs the caller is about to commit to the database in its transaction: kept in memory with
   * those read lately, so that their first readers (the attachment inspector, the recipients) need no
   * database read. Keys name content, so the kept bytes are right whatever happens; if the transaction
   * fails no committed row names them, nobody asks for them and they age out. Where the store has no
   * such tier, nothing happens.
   */
  remember?(blobs: readonly { key: string; bytes: Uint8Array }[]): void;
}

export interface StoredFile {
  key: string;
  size: number;
  modifiedAt: Date;
}
