export interface InitOptions {
  readonly force: boolean;
}
