/** What the publisher announced about its media (RTMP `onMetaData`); zero when unknown. */
export interface PublisherMetadata {
  width: number;
  height: number;
  /** Frames per second. */
  fps: number;
  hasVideo: boolean;
  hasAudio: boolean;
}

/** One publishing connection, as the ingest server reports it before it has been accepted. */
export interface PublisherConnection {
  /** Transport id of this connection (unique per TCP connection). */
  readonly id: string;
  /** RTMP application name (`live` in `rtmp://host/live`). */
  readonly app: string;
  /** RTMP stream name: the stream key. */
  readonly key: string;
  /** `address:port` of the publisher. */
  readonly remote: string;
  /** Metadata received so far, or null if none yet. */
  metadata(): PublisherMetadata | null;
  /** Whether the connection is already closed. */
  closed(): boolean;
  /** Closes the connection (refusal or forced disconnect). */
  close(): void;
  /** Calls `listener` once, when the TCP connection closes (immediately, not after any grace period). */
  onClose(listener: () => void): void;
  /**
   * Streams the published media as FLV to `sink`: header, cached headers and last GOP first,
   * then live tags, across reconnects of the same stream key. Returns the unsubscribe function.
   */
  subscribe(sink: (chunk: Buffer) => void): () => void;
}

/** An RTMP ingest server. It accepts TCP and RTMP handshakes; deciding who may publish is the caller's. */
export interface IngestServer {
  /** Listens on `port` (0: any free port) and reports every publish attempt to `onPublish`; resolves with the bound port. */
  start(port: number, host: string, onPublish: (connection: PublisherConnection) => void): Promise<number>;
  /** Closes the listener and every connection. */
  stop(): Promise<void>;
}
