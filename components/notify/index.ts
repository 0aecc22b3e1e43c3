export { createNotifier, type Delivery, type Notifier, type NotifierOptions } from "./notifier.js";
export { fileDedupe, secretTagDedupe, dedupeKey, DEDUPE_TAG, type DedupeStore } from "./dedupe.js";
export type { Notice } from "./notice.js";
export {
  signWebhook,
  verifyWebhook,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  REPLAY_WINDOW_SECONDS,
  type Verification,
} from "./signing.js";
