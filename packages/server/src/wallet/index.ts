export {
  ACCOUNT_KINDS,
  type AccountKind,
  COIN,
  DEFAULT_CREATOR_BPS,
  type EntryInput,
  HOT_ACCOUNT_SHARDS,
  MAX_ENTRY_AMOUNT,
} from './ledger.rules.ts';
export type { HistoryRow } from './ledger.store.ts';
export { type LedgerInvariant, type LedgerViolation, ledgerVerify } from './ledger.verify.ts';
export { walletErrors } from './wallet.errors.ts';
export { LedgerService } from './wallet.service.ts';
export type {
  AccountSpec,
  GiftInput,
  GiftResult,
  HistoryPage,
  LedgerAccount,
  LedgerServiceDeps,
  PostedTransaction,
  PostInput,
  PurchaseInput,
} from './wallet.types.ts';
