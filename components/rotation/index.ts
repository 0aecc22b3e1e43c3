export { handler, handleRotationEvent, type RotationEvent } from "./handler.js";
export {
  rotationConfigFor,
  secretId,
  type HandlerConfig,
  type SecretRotationConfig,
} from "./config.js";
