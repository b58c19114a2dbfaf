import type { PresenceCounts, PresenceMember, PresenceSnapshot } from '@pnptv/protocol';
import { presenceCounts } from './chat.rules.ts';

/** Most members listed in the presence snapshot a client receives when joining. */
export const PRESENCE_SNAPSHOT_MEMBERS = 100;

/** One presence change made on a node: a user became present there, or is no longer. */
export type PresenceOp =
  | { op: 'join'; key: string; member: PresenceMember }
  | { op: 'leave'; key: string; userId: string };

/** What nodes tell each other about presence over the bus. */
export type PresenceMessage =
  | { kind: 'ops'; ops: PresenceOp[] }
  | { kind: 'sync' }
  | { kind: 'state'; ops: PresenceOp[] }
  | { kind: 'drop' };

/** A presence diff of one channel key, ready to be sent to that channel's clients. */
export interface PresenceDiff {
  key: string;
  joined: PresenceMember[];
  left: string[];
  counts: PresenceCounts;
}

interface Entry {
  member: PresenceMember;
  /** Nodes where the user is present, with how many connections each. */
  nodes: Map<string, number>;
}

/**
 * Who is present in which channel across the cluster. Each node counts its own connections per
 * user and channel; when a user becomes present or absent on a node, the change is batched and
 * published once per tick to the other nodes, which keep a replica. Every node thus knows the
 * cluster's presence and tells its own clients the diffs (one per channel per tick).
 */
export class PresenceRegistry {
  readonly #channels = new Map<string, Map<string, Entry>>();
  readonly #outgoing: PresenceOp[] = [];
  readonly #diffs = new Map<string, { joined: Map<string, PresenceMember>; left: Set<string> }>();

  constructor(readonly nodeId: string) {}

  /** A connection of this node joined a channel. */
  connect(key: string, member: PresenceMember): void {
    const count = this.#apply(this.nodeId, { op: 'join', key, member });
    if (count === 1) this.#outgoing.push({ op: 'join', key, member });
  }

  /** A connection of this node left a channel (leave, disconnect, ban). */
  disconnect(key: string, userId: string): void {
    const count = this.#apply(this.nodeId, { op: 'leave', key, userId });
    if (count === 0) this.#outgoing.push({ op: 'leave', key, userId });
  }

  /** Applies what another node published. Returns the answer to send back, if any. */
  receive(fromNode: string, message: PresenceMessage): PresenceMessage | null {
    if (fromNode === this.nodeId) return null;
    switch (message.kind) {
      case 'ops':
      case 'state':
        for (const op of message.ops) this.#apply(fromNode, op, true);
        return null;
      case 'sync':
        return { kind: 'state', ops: this.#ownState() };
      case 'drop':
        this.#dropNode(fromNode);
        return null;
    }
  }

  /** The changes this node made since the last call, to publish (null when none). */
  takeOutgoing(): PresenceMessage | null {
    if (this.#outgoing.length === 0) return null;
    return { kind: 'ops', ops: this.#outgoing.splice(0) };
  }

  /** The diffs since the last call, one per channel key with the current counts. */
  takeDiffs(): PresenceDiff[] {
    const out: PresenceDiff[] = [];
    for (const [key, diff] of this.#diffs) {
      const members = this.#channels.get(key);
      out.push({
        key,
        joined: [...diff.joined.values()],
        left: [...diff.left],
        counts: presenceCounts(members ? [...members.values()].map((e) => e.member) : []),
      });
    }
    this.#diffs.clear();
    return out;
  }

  /** The first members and the counts of a channel. */
  snapshot(key: string, limit = PRESENCE_SNAPSHOT_MEMBERS): PresenceSnapshot {
    const members = this.#channels.get(key);
    if (!members) return { members: [], counts: presenceCounts([]) };
    const list: PresenceMember[] = [];
    for (const entry of members.values()) {
      if (list.length >= limit) break;
      list.push(entry.member);
    }
    return { members: list, counts: presenceCounts([...members.values()].map((e) => e.member)) };
  }

  /** Whether a user is present anywhere in the cluster in a channel. */
  isPresent(key: string, userId: string): boolean {
    return this.#channels.get(key)?.has(userId) ?? false;
  }

  #ownState(): PresenceOp[] {
    const ops: PresenceOp[] = [];
    for (const [key, members] of this.#channels)
      for (const entry of members.values())
        if (entry.nodes.has(this.nodeId)) ops.push({ op: 'join', key, member: entry.member });
    return ops;
  }

  #dropNode(node: string): void {
    for (const [key, members] of this.#channels)
      for (const [userId, entry] of members)
        if (entry.nodes.has(node)) this.#apply(node, { op: 'leave', key, userId }, true);
  }

  /** Applies one op for `node`; returns that node's connection count for the user afterwards. */
  #apply(node: string, op: PresenceOp, remote = false): number {
    let members = this.#channels.get(op.key);
    if (op.op === 'join') {
      if (!members) {
        members = new Map();
        this.#channels.set(op.key, members);
      }
      let entry = members.get(op.member.id);
      const wasPresent = entry !== undefined;
      if (!entry) {
        entry = { member: op.member, nodes: new Map() };
        members.set(op.member.id, entry);
      }
      // A remote node reports presence once, not per connection.
      const count = remote ? 1 : (entry.nodes.get(node) ?? 0) + 1;
      entry.nodes.set(node, count);
      if (!wasPresent) {
        const diff = this.#diff(op.key);
        diff.left.delete(op.member.id);
        diff.joined.set(op.member.id, op.member);
      }
      return count;
    }
    const entry = members?.get(op.userId);
    if (!members || !entry) return 0;
    const count = remote ? 0 : Math.max((entry.nodes.get(node) ?? 0) - 1, 0);
    if (count === 0) entry.nodes.delete(node);
    else entry.nodes.set(node, count);
    if (entry.nodes.size === 0) {
      members.delete(op.userId);
      if (members.size === 0) this.#channels.delete(op.key);
      const diff = this.#diff(op.key);
      if (diff.joined.has(op.userId)) diff.joined.delete(op.userId);
      else diff.left.add(op.userId);
    }
    return count;
  }

  #diff(key: string): { joined: Map<string, PresenceMember>; left: Set<string> } {
    let diff = this.#diffs.get(key);
    if (!diff) {
      diff = { joined: new Map(), left: new Set() };
      this.#diffs.set(key, diff);
    }
    return diff;
  }
}
